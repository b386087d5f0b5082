package io.openclaw.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openclaw.audit.log.AuditIngestor;
import io.openclaw.audit.log.IngestFaults;
import io.openclaw.audit.log.IntegrityCheck;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.KafkaCloudEvents;
import io.openclaw.events.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit log writer against a real broker and database, killed at the two dangerous points of its cycle:
 * with a batch written but not committed, and with a batch committed but its Kafka offsets not. The writer
 * that takes over must end with every event stored exactly once, every use counted once, and intact chains.
 */
class IngestCrashIT {

    private static final int EVENTS = 400;
    private static final int USES = 300;

    private static WriterDatabase database;

    /** What a killed process leaves behind: nothing after this point runs. */
    static final class SimulatedKill extends Error {
        SimulatedKill(String where) {
            super("killed " + where);
        }
    }

    @BeforeAll
    static void database() {
        database = WriterDatabase.create("audit_crash");
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @Test
    void aWriterKilledMidBatchOrBeforeItsOffsetCommitLosesNothingAndStoresNothingTwice() throws Exception {
        String topic = "audit-crash-" + UUID.randomUUID();
        TestEvents.createTopics(topic);
        String account = TestEvents.account();
        String keyId = TestEvents.id("key_");
        List<CloudEvent> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            events.add(TestEvents.codeIssued(account + (i % 5), "key_owner", Instant.now()));
        }
        Instant minute = Instant.parse("2026-11-21T12:00:00Z");
        for (int i = 0; i < USES; i++) {
            events.add(TestEvents.keyUsed(account, keyId, "198.51.100.1", Outcome.SUCCESS, minute.plusMillis(i)));
        }
        publish(topic, events);
        String group = "audit-crash-" + UUID.randomUUID();

        AtomicInteger batches = new AtomicInteger();
        Throwable first = runUntilDeath(topic, group, new IngestFaults() {
            @Override
            public void beforeCommit() {
                if (batches.incrementAndGet() == 3) {
                    throw new SimulatedKill("with a batch written but not committed");
                }
            }
        });
        assertThat(first).isInstanceOf(SimulatedKill.class);
        long afterFirst = progress();
        assertThat(afterFirst)
                .as("two batches were committed before the kill")
                .isPositive()
                .isLessThan(EVENTS + USES);

        AtomicInteger commits = new AtomicInteger();
        Throwable second = runUntilDeath(topic, group, new IngestFaults() {
            @Override
            public void afterCommit() {
                if (commits.incrementAndGet() == 2) {
                    throw new SimulatedKill("after the database commit, before the offset commit");
                }
            }
        });
        assertThat(second).isInstanceOf(SimulatedKill.class);
        assertThat(progress()).isGreaterThan(afterFirst);

        AuditIngestor survivor = ingestor(topic, group, IngestFaults.NONE);
        Thread thread = new Thread(survivor, "audit-writer-survivor");
        thread.start();
        try {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> count("SELECT count(*) FROM audit_record") == EVENTS
                            && count("SELECT coalesce(sum(count), 0) FROM key_usage_rollup") == USES);
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> count("SELECT count(*) FROM audit_record") == EVENTS);
        } finally {
            survivor.stop();
            thread.join(10_000);
        }
        assertThat(count("SELECT count(DISTINCT event_id) FROM audit_record")).isEqualTo(EVENTS);
        assertThat(count("SELECT coalesce(sum(count), 0) FROM key_usage_rollup"))
                .isEqualTo(USES);
        assertThat(count("SELECT coalesce(sum(record_count), 0) FROM outbox"))
                .as("one SIEM copy per record, in one outbox row per batch")
                .isEqualTo(EVENTS);
        assertThat(count("SELECT count(*) FROM outbox")).isLessThan(EVENTS / 10);
        IntegrityCheck.Report report = new IntegrityCheck(database.dataSource()).verify(null, null, null);
        assertThat(report.intact()).isTrue();
        assertThat(report.checked()).isEqualTo(EVENTS);
        assertThat(count("SELECT sum(next_offset) FROM ingest_position")).isEqualTo(EVENTS + USES);
    }

    private static Throwable runUntilDeath(String topic, String group, IngestFaults faults) throws Exception {
        AtomicReference<Throwable> death = new AtomicReference<>();
        Thread thread = new Thread(ingestor(topic, group, faults), "audit-writer-doomed");
        thread.setUncaughtExceptionHandler((t, e) -> death.set(e));
        thread.start();
        thread.join(60_000);
        assertThat(thread.isAlive()).as("the writer died").isFalse();
        return death.get();
    }

    private static AuditIngestor ingestor(String topic, String group, IngestFaults faults) {
        return database.writer(topic, group, 40, faults, stored -> {});
    }

    private static void publish(String topic, List<CloudEvent> events) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (CloudEvent e : events) {
            sent.add(TestEvents.producer().send(KafkaCloudEvents.toRecord(topic, e)));
        }
        for (Future<RecordMetadata> f : sent) {
            f.get();
        }
    }

    /** Events accounted for: stored records plus counted uses. */
    private static long progress() throws Exception {
        return count("SELECT count(*) FROM audit_record")
                + count("SELECT coalesce(sum(count), 0) FROM key_usage_rollup");
    }

    private static long count(String sql) throws Exception {
        return database.count(sql);
    }
}
