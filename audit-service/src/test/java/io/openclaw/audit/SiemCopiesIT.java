package io.openclaw.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openclaw.audit.log.AuditIngestor;
import io.openclaw.audit.log.IngestFaults;
import io.openclaw.audit.log.StoredBatch;
import io.openclaw.audit.outbox.SiemCopies;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.KafkaCloudEvents;
import io.openclaw.events.Topics;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SIEM copies of an ingest batch are the same whether the relay builds them from the batch the writer
 * handed it or reads the records back from the store (after a restart, or on another instance): one copy per
 * stored record, in the order stored, chained link by link.
 */
class SiemCopiesIT {

    private static final int EVENTS = 120;

    private static WriterDatabase database;

    @BeforeAll
    static void database() {
        database = WriterDatabase.create("audit_siem");
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
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
        AuditIngestor ingestor =
                database.writer(topic, "audit-siem-" + UUID.randomUUID(), 25, IngestFaults.NONE, handedOver::add);
        Thread thread = new Thread(ingestor, "audit-writer-siem");
        thread.start();
        try {
            // every batch handed over: the writer hands one over after its database and offset commits
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> handedOver.stream()
                                    .mapToInt(b -> b.records().size())
                                    .sum()
                            == EVENTS);
        } finally {
            ingestor.stop();
            thread.join(10_000);
        }

        Set<String> copied = new HashSet<>();
        try (Connection c = database.dataSource().getConnection();
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
}
