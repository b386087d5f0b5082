package io.openclaw.keys.outbox;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.KafkaCloudEvents;
import io.openclaw.events.delivery.ProducerSettings;
import io.openclaw.keys.support.KafkaClientConfig;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The service's one Kafka producer: {@code acks=all}, idempotent, lz4, CloudEvents in binary mode. */
@ApplicationScoped
public class EventPublisher {

    private final KafkaProducer<String, byte[]> producer;

    public EventPublisher(KafkaClientConfig kafka) {
        Map<String, Object> config = ProducerSettings.reliable(kafka.common(), "key-rotation-service");
        config.putAll(Map.of(
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                // usage events come by the thousand per second: larger batches cost the producer and the
                // broker far fewer requests per event
                ProducerConfig.BATCH_SIZE_CONFIG,
                128 * 1024,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                5_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                10_000));
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /** Sends an event to the topic of its type. */
    public Future<RecordMetadata> send(CloudEvent event) {
        return send(KafkaCloudEvents.toRecord(event));
    }

    public Future<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
        return producer.send(record, (metadata, error) -> {
            if (error != null) {
                Log.warnf("could not publish to %s: %s", record.topic(), error.getMessage());
            }
        });
    }

    /** Best effort: sends without waiting and without failing the caller. */
    public void sendQuietly(CloudEvent event) {
        try {
            send(event);
        } catch (RuntimeException e) {
            Log.warnf("could not publish %s: %s", event.type(), e.getMessage());
        }
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
