package io.openclaw.audit.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.openclaw.audit.config.AuditConfig;
import io.openclaw.audit.log.IngestLoop;
import io.openclaw.audit.log.StoredBatch;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.CloudEventJson;
import io.openclaw.events.KafkaCloudEvents;
import io.openclaw.events.MetricNames;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes outbox rows (the SIEM copies of each ingest batch, see {@link SiemCopies}; alert state changes) and
 * deletes them once the broker acknowledged them. Rows are locked with {@code FOR UPDATE SKIP LOCKED}, so
 * several instances can relay. Delivery is at least once; every event has a stable id for consumers to dedupe
 * on. The age of the oldest row not yet acknowledged is the {@code openclaw.outbox.lag} gauge.
 */
@ApplicationScoped
public class OutboxRelay {

    private final AuditConfig config;
    private final DataSource dataSource;
    private final Map<String, Object> kafka;
    private final Semaphore signal = new Semaphore(0);
    /** Creation time (epoch ms) of the oldest row seen but not yet acknowledged; 0 when none. */
    private final AtomicLong oldestPending = new AtomicLong();

    private final SiemCopies siemCopies = new SiemCopies();

    private volatile boolean running;
    private Thread thread;
    private KafkaProducer<String, byte[]> producer;

    public OutboxRelay(
            AuditConfig config,
            DataSource dataSource,
            @Identifier("default-kafka-broker") Map<String, Object> kafka,
            MeterRegistry registry) {
        this.config = config;
        this.dataSource = dataSource;
        this.kafka = kafka;
        Gauge.builder(MetricNames.OUTBOX_LAG, this, OutboxRelay::lagSeconds)
                .description("Age of the oldest outbox row not yet acknowledged by Kafka")
                .baseUnit("seconds")
                .tag("service", "audit-service")
                .register(registry);
    }

    void start(@Observes StartupEvent start) {
        producer = new KafkaProducer<>(producerConfig(kafka), new StringSerializer(), new ByteArraySerializer());
        running = true;
        thread = new Thread(this::loop, "audit-outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent stop) {
        running = false;
        signal.release();
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            producer.close();
        }
    }

    /**
     * Producer of the relay: every send acknowledged by all in-sync replicas, idempotent, and large batches
     * (a round sends whole ingest batches and flushes, so the linger never delays a round).
     */
    static Map<String, Object> producerConfig(Map<String, Object> kafka) {
        Map<String, Object> props = IngestLoop.producerConfig(kafka);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "audit-service-relay");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        return props;
    }

    /** Asks the relay to look at the outbox now. */
    public void wake() {
        signal.release();
    }

    /** Hands the relay a committed ingest batch, whose outbox row it can then publish without reading back. */
    public void handOff(StoredBatch batch) {
        siemCopies.handOff(batch);
        wake();
    }

    /** Seconds since the oldest outbox row not yet acknowledged by Kafka was written; 0 when none. */
    double lagSeconds() {
        long oldest = oldestPending.get();
        // wall time, like the created_at the database stamped (not the injectable rule clock)
        return oldest == 0 ? 0 : Math.max(0, System.currentTimeMillis() - oldest) / 1000.0;
    }

    private void loop() {
        while (running) {
            try {
                // blocks until the ingest loop or an alert change signals, or the interval passes
                signal.tryAcquire(config.relay().interval().toMillis(), TimeUnit.MILLISECONDS);
                signal.drainPermits();
                while (running && relayOnce() == config.relay().batch()) {
                    // a full round: more may be waiting
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                Log.warnf("outbox relay round failed, will retry: %s", e.toString());
                LockSupport.parkNanos(
                        TimeUnit.MILLISECONDS.toNanos(config.relay().interval().toMillis()));
            }
        }
    }

    /** Publishes up to {@code relay.batch} rows; returns how many rows it took. */
    int relayOnce() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<Long> ids = new ArrayList<>();
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                long oldest = Long.MAX_VALUE;
                try (PreparedStatement ps =
                        c.prepareStatement("SELECT id, topic, event_json, records, created_at, audit_ranges "
                                + "FROM outbox ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED")) {
                    ps.setInt(1, config.relay().batch());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getLong(1));
                            oldest = Math.min(
                                    oldest,
                                    rs.getObject(5, OffsetDateTime.class)
                                            .toInstant()
                                            .toEpochMilli());
                            String ranges = rs.getString(6);
                            byte[] records = ranges == null ? rs.getBytes(4) : null;
                            if (ranges != null) {
                                for (ProducerRecord<String, byte[]> r : siemCopies.copies(c, ranges)) {
                                    sent.add(producer.send(r));
                                }
                            } else if (records != null) {
                                // a row written before the ranges (V4)
                                for (ProducerRecord<String, byte[]> r : OutboxBatch.decode(records)) {
                                    sent.add(producer.send(r));
                                }
                            } else {
                                CloudEvent event = CloudEventJson.fromJson(rs.getString(3));
                                sent.add(producer.send(KafkaCloudEvents.toRecord(rs.getString(2), event)));
                            }
                        }
                    }
                }
                if (ids.isEmpty()) {
                    c.commit();
                    oldestPending.set(0);
                    return 0;
                }
                oldestPending.set(oldest);
                producer.flush();
                for (Future<RecordMetadata> f : sent) {
                    f.get(30, TimeUnit.SECONDS);
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM outbox WHERE id = ANY(?)")) {
                    ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
                    ps.executeUpdate();
                }
                c.commit();
                oldestPending.set(0);
                return ids.size();
            } catch (Exception e) {
                c.rollback();
                throw e;
            }
        }
    }
}
