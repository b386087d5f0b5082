package io.openclaw.token.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.CloudEventJson;
import io.openclaw.events.KafkaCloudEvents;
import io.openclaw.events.MetricNames;
import io.openclaw.events.delivery.DeliveryTracker;
import io.openclaw.token.config.TokenConfig;
import io.openclaw.token.store.Database;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Publishes committed outbox rows to Kafka and deletes them once the broker acknowledged (acks=all).
 * Rows are claimed with {@code FOR UPDATE SKIP LOCKED}, so replicas share the work; a crash between send
 * and delete republishes with the same event id, which consumers dedupe.
 *
 * <p>A replica's relay publishes the rows that replica wrote at once (a fail-closed request there waits for
 * them) and another replica's rows once they are a few seconds old (that replica may have died).
 *
 * <p>A batch is one DELETE … RETURNING, the sends, one flush and a commit that does not wait for the disk.
 * Rows carry the parts of their Kafka record, so nothing is parsed or re-validated here (rows written by an
 * older version as JSON are still read).
 * Every acknowledged event is reported to the {@link DeliveryTracker} (the fail-closed audit switch waits on
 * it), every failed attempt too; {@link MetricNames#OUTBOX_LAG} is the age of the oldest row not yet
 * published.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final int BATCH = 500;

    private final Database database;
    private final Outbox outbox;
    private final KafkaEventProducer producer;
    private final DeliveryTracker tracker;
    private final TokenConfig config;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Instant oldestPending;
    private Thread worker;

    public OutboxRelay(
            Database database,
            Outbox outbox,
            KafkaEventProducer producer,
            DeliveryTracker tracker,
            TokenConfig config,
            MeterRegistry meters) {
        this.database = database;
        this.outbox = outbox;
        this.producer = producer;
        this.tracker = tracker;
        this.config = config;
        Gauge.builder(MetricNames.OUTBOX_LAG, this, OutboxRelay::lagSeconds)
                .description("age of the oldest outbox event not yet acknowledged by Kafka")
                .baseUnit("seconds")
                .tag("service", "token-service")
                .register(meters);
    }

    void start(@Observes StartupEvent startup) {
        running.set(true);
        worker = new Thread(this::loop, "outbox-relay");
        worker.setDaemon(true);
        worker.start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        running.set(false);
        outbox.wake();
        if (worker != null) {
            try {
                worker.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Seconds since the oldest event this relay saw unpublished was committed; 0 when it is caught up. */
    double lagSeconds() {
        Instant oldest = oldestPending;
        return oldest == null
                ? 0
                : Math.max(0, Duration.between(oldest, Instant.now()).toMillis() / 1000.0);
    }

    private void loop() {
        long backoffMillis = 0;
        while (running.get()) {
            try {
                long wait = backoffMillis > 0
                        ? backoffMillis
                        : config.outboxPollInterval().toMillis();
                if (outbox.signal().tryAcquire(wait, TimeUnit.MILLISECONDS)
                        && !config.outboxLinger().isZero()) {
                    // woken by a commit: let the commits right behind it join the batch
                    TimeUnit.NANOSECONDS.sleep(config.outboxLinger().toNanos());
                }
                outbox.signal().drainPermits();
                while (running.get() && relayBatch() == BATCH) {
                    // keep draining a backlog
                }
                backoffMillis = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                tracker.failed(e);
                backoffMillis = Math.min(Math.max(backoffMillis * 2, 250), 5_000);
                Log.warnf("outbox relay failed, retrying in %d ms: %s", backoffMillis, e.getMessage());
            }
        }
    }

    /**
     * Takes a batch of committed events out of the outbox, publishes them and commits the removal once the
     * broker acknowledged every one; a failed send rolls the removal back. Returns how many were published.
     */
    public int relayBatch() {
        return database.inTransaction(connection -> {
            try (Statement settings = connection.createStatement()) {
                // a removal lost in a crash only publishes its events again (consumers dedupe by event id), so
                // this commit does not wait for its WAL to reach the disk
                settings.execute("SET LOCAL synchronous_commit TO off");
            }
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            try (PreparedStatement take = connection.prepareStatement("WITH taken AS (DELETE FROM outbox WHERE id IN"
                    + " (SELECT id FROM outbox"
                    + " WHERE relay_owner = ? OR relay_owner IS NULL OR created_at < now() - interval '3 seconds'"
                    + " ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)"
                    + " RETURNING id, topic, event_id, ce_source, ce_type, ce_time, ce_subject, partition_key,"
                    + " traceparent, data, event_json, created_at)"
                    + " SELECT * FROM taken ORDER BY id")) {
                take.setString(1, Outbox.REPLICA);
                take.setInt(2, BATCH);
                try (ResultSet rows = take.executeQuery()) {
                    while (rows.next()) {
                        if (sends.isEmpty()) {
                            Timestamp created = rows.getTimestamp(12);
                            oldestPending = created == null ? Instant.now() : created.toInstant();
                        }
                        ProducerRecord<String, byte[]> record = record(rows);
                        String eventId = rows.getString(3);
                        sends.add(producer.producer().send(record, (metadata, error) -> {
                            if (error == null) {
                                tracker.delivered(eventId);
                            }
                        }));
                    }
                }
            }
            if (sends.isEmpty()) {
                oldestPending = null;
                return 0;
            }
            producer.producer().flush();
            for (Future<RecordMetadata> send : sends) {
                try {
                    send.get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("broker did not acknowledge an outbox event", e);
                }
            }
            if (sends.size() < BATCH) {
                oldestPending = null;
            }
            return sends.size();
        });
    }

    /** The row's Kafka record: binary-mode CloudEvent, as {@link KafkaCloudEvents#toRecord} builds it. */
    private static ProducerRecord<String, byte[]> record(ResultSet row) throws java.sql.SQLException {
        String topic = row.getString(2);
        byte[] data = row.getBytes(10);
        if (data == null) {
            // written as structured JSON by an older version
            CloudEvent event = CloudEventJson.fromJson(row.getString(11));
            return KafkaCloudEvents.toRecord(topic, event);
        }
        String partitionKey = row.getString(8);
        RecordHeaders headers = new RecordHeaders();
        header(headers, "ce_specversion", CloudEvent.SPEC_VERSION);
        header(headers, "ce_id", row.getString(3));
        header(headers, "ce_source", row.getString(4));
        header(headers, "ce_type", row.getString(5));
        header(headers, "ce_time", row.getString(6));
        String subject = row.getString(7);
        if (subject != null) {
            header(headers, "ce_subject", subject);
        }
        header(headers, "ce_partitionkey", partitionKey);
        String traceparent = row.getString(9);
        if (traceparent != null) {
            header(headers, "ce_traceparent", traceparent);
        }
        header(headers, KafkaCloudEvents.CONTENT_TYPE, CloudEvent.DATA_CONTENT_TYPE);
        return new ProducerRecord<>(topic, null, partitionKey, data, headers);
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
