package io.openclaw.token.outbox;

import io.openclaw.events.delivery.ProducerSettings;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The one Kafka producer of token-service: acks=all, idempotent, LZ4 ({@link ProducerSettings}). It takes
 * every {@code kafka.*} setting (bootstrap servers, {@code security.protocol}, {@code sasl.*}, {@code ssl.*},
 * …) with the delivery settings below on top.
 */
@ApplicationScoped
public class KafkaEventProducer {

    private final Producer<String, byte[]> producer;

    public KafkaEventProducer(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        Map<String, Object> settings = ProducerSettings.reliable(kafka, "token-service-outbox");
        settings.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        this.producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
    }

    public Producer<String, byte[]> producer() {
        return producer;
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
