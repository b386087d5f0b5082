package io.openclaw.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.KafkaCloudEvents;
import io.openclaw.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KafkaBrokerIT {

    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBroker.create();
        broker.start();
        broker.createTopics(Topics.ALL);
    }

    @AfterAll
    static void closeBroker() {
        broker.close();
    }

    @Test
    void anEventRoundTripsAfterTheBrokerIsKilledWithSigkillAndRestarted() throws Exception {
        CloudEvent before = event();
        produce(before);
        long pidBefore = broker.pid();

        broker.kill();
        assertThat(broker.isRunning()).isFalse();
        assertThat(ProcessHandle.of(pidBefore).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
        broker.start();
        CloudEvent after = event();
        produce(after);

        List<CloudEvent> consumed = consumeAll(2);
        assertThat(consumed).extracting(CloudEvent::id).contains(before.id(), after.id());
        assertThat(consumed)
                .filteredOn(e -> e.id().equals(after.id()))
                .singleElement()
                .isEqualTo(after);
        assertThat(broker.pid()).isNotEqualTo(pidBefore);
    }

    @Test
    void everyPlatformTopicExists() {
        assertThat(broker.topics()).containsAll(Topics.ALL);
    }

    private static CloudEvent event() {
        return CloudEvent.builder(EventType.PAIRING_CODE_ISSUED)
                .source("/platform-testing")
                .accountId("acc_broker_it")
                .actor("key_it")
                .subject("pc_" + UUID.randomUUID())
                .data("scopes", List.of("data:read"))
                .data("label", "Kitchen")
                .data("expires_at", "2026-11-21T12:05:00Z")
                .build();
    }

    private static void produce(CloudEvent event) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                60_000);
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(KafkaCloudEvents.toRecord(event)).get(60, TimeUnit.SECONDS);
        }
    }

    private static List<CloudEvent> consumeAll(int atLeast) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "broker-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest");
        List<CloudEvent> events = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.PAIRING_EVENTS));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (events.size() < atLeast && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    events.add(KafkaCloudEvents.fromRecord(record));
                }
            }
        }
        return events;
    }
}
