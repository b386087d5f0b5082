package io.openclaw.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.openclaw.audit.log.AuditIngestor;
import io.openclaw.audit.log.AuditStore;
import io.openclaw.audit.log.DeadLetters;
import io.openclaw.audit.log.EventCheck;
import io.openclaw.audit.log.IngestFaults;
import io.openclaw.audit.log.IngestLoop;
import io.openclaw.audit.log.StoredBatch;
import io.openclaw.audit.outbox.SiemCopies;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.KafkaCloudEvents;
import io.openclaw.events.Topics;
import io.openclaw.testing.KafkaBroker;
import io.openclaw.testing.PostgresResource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The SIEM copies of an ingest batch are the same whether the relay builds them from the batch the writer
 * handed it or reads the records back from the store (after a restart, or on another instance): one copy per
 * stored record, in the order stored, chained link by link.
 */
class SiemCopiesIT {

    private static final int EVENTS = 120;

    private static String database;
    private static PGSimpleDataSource dataSource;

    @BeforeAll
    static void database() {
        database = PostgresResource.createDatabase("audit_siem");
        dataSource = new PGSimpleDataSource();
        dataSource.setURL(PostgresResource.jdbcUrl(database));
        dataSource.setUser("postgres");
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    @AfterAll
    static void dropDatabase() {
        PostgresResource.dropDatabase(database);
    }

    @Test
    void copiesBuiltFromTheHandedOverBatchEqualThoseReadBackFromTheStore() throws Exception {
        String topic = "audit-siem-" + UUID.randomUUID();
        TestEvents.createTopics(topic);
        List<CloudEvent> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            // several accounts: several partitions, so a batch spans chains
            events.add(TestEvents.codeIssued(TestEvents.account() + (i % 7), "key_owner" + i, Instant.now()));
        }
        for (CloudEvent e : events) {
            TestEvents.producer().send(KafkaCloudEvents.toRecord(topic, e)).get();
        }
        List<StoredBatch> handedOver = new CopyOnWriteArrayList<>();
        AuditIngestor ingestor = ingestor(topic, handedOver::add);
        Thread thread = new Thread(ingestor, "audit-writer-siem");
        thread.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> count("SELECT count(*) FROM audit_record") == EVENTS);
        } finally {
            ingestor.stop();
            thread.join(10_000);
        }

        Set<String> copied = new HashSet<>();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT audit_ranges, record_count, records FROM outbox ORDER BY id")) {
            int row = 0;
            while (rows.next()) {
                String ranges = rows.getString(1);
                assertThat(rows.getBytes(3))
                        .as("the row names its records, it does not carry them")
                        .isNull();
                StoredBatch batch = handedOver.get(row++);
                assertThat(batch.ranges()).isEqualTo(ranges);

                SiemCopies relay = new SiemCopies();
                relay.handOff(batch);
                assertThat(relay.held()).isEqualTo(batch.records().size());
                List<ProducerRecord<String, byte[]>> fromBatch = relay.copies(c, ranges);
                assertThat(relay.held()).as("the hand-off is used once").isZero();
                List<ProducerRecord<String, byte[]>> readBack = new SiemCopies().copies(c, ranges);

                assertThat(fromBatch).hasSize(rows.getInt(2));
                assertThat(readBack).hasSize(fromBatch.size());
                for (int i = 0; i < fromBatch.size(); i++) {
                    assertThat(readBack.get(i).topic()).isEqualTo(Topics.AUDIT_LOG);
                    assertThat(readBack.get(i).key()).isEqualTo(fromBatch.get(i).key());
                    CloudEvent built = KafkaCloudEvents.fromRecord(asConsumed(fromBatch.get(i)));
                    CloudEvent read = KafkaCloudEvents.fromRecord(asConsumed(readBack.get(i)));
                    assertThat(read).isEqualTo(built);
                    assertThat(copied.add(read.string("event_id"))).isTrue();
                }
                assertChained(readBack);
            }
            assertThat(row).isEqualTo(handedOver.size());
        }
        assertThat(copied)
                .containsExactlyInAnyOrderElementsOf(
                        events.stream().map(CloudEvent::id).toList());
    }

    /** Within a batch, the copies of one chain follow it link by link. */
    private static void assertChained(List<ProducerRecord<String, byte[]>> copies) {
        Map<String, CloudEvent> last = new HashMap<>();
        for (ProducerRecord<String, byte[]> r : copies) {
            CloudEvent copy = KafkaCloudEvents.fromRecord(asConsumed(r));
            CloudEvent previous = last.put(copy.string("chain"), copy);
            if (previous != null) {
                assertThat(copy.number("sequence")).isEqualTo(previous.number("sequence") + 1);
                assertThat(copy.string("prev_hash")).isEqualTo(previous.string("hash"));
            }
        }
    }

    private static ConsumerRecord<String, byte[]> asConsumed(ProducerRecord<String, byte[]> r) {
        return new ConsumerRecord<>(
                r.topic(),
                0,
                0,
                0L,
                TimestampType.CREATE_TIME,
                0,
                0,
                r.key(),
                r.value(),
                r.headers(),
                Optional.empty());
    }

    private static AuditIngestor ingestor(String topic, Consumer<StoredBatch> onStored) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                IngestLoop.consumerConfig(
                        KafkaBroker.shared().bootstrapServers(), "audit-siem-" + UUID.randomUUID(), 25),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                IngestLoop.producerConfig(KafkaBroker.shared().bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer());
        return new AuditIngestor(
                consumer,
                new AuditIngestor.Settings(List.of(topic), Duration.ofMillis(100), Duration.ofMillis(100)),
                new AuditStore(dataSource),
                new EventCheck(),
                new DeadLetters(producer, new SimpleMeterRegistry()),
                IngestFaults.NONE,
                onStored);
    }

    private static long count(String sql) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
