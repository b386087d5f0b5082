package io.openclaw.audit.outbox;

import io.openclaw.audit.config.AuditConfig;
import io.openclaw.audit.log.IngestLoop;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.CloudEventJson;
import io.openclaw.events.KafkaCloudEvents;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes outbox rows (the SIEM copy of each record, alert state changes) and deletes them once the broker
 * acknowledged them. Rows are locked with {@code FOR UPDATE SKIP LOCKED}, so several instances can relay.
 * Delivery is at least once; every event has a stable id for consumers to dedupe on.
 */
@ApplicationScoped
public class OutboxRelay {

    private final AuditConfig config;
    private final DataSource dataSource;
    private final Map<String, Object> kafka;
    private final Semaphore signal = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;
    private KafkaProducer<String, byte[]> producer;

    public OutboxRelay(
            AuditConfig config, DataSource dataSource, @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.config = config;
        this.dataSource = dataSource;
        this.kafka = kafka;
    }

    void start(@Observes StartupEvent start) {
        producer = new KafkaProducer<>(
                IngestLoop.producerConfig(kafka), new StringSerializer(), new ByteArraySerializer());
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

    /** Asks the relay to look at the outbox now. */
    public void wake() {
        signal.release();
    }

    private void loop() {
        while (running) {
            try {
                signal.tryAcquire(config.relay().interval().toMillis(), TimeUnit.MILLISECONDS);
                signal.drainPermits();
                while (running && relayOnce() == config.relay().batch()) {
                    // a full batch: more may be waiting
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                Log.warnf("outbox relay round failed, will retry: %s", e.toString());
            }
        }
    }

    int relayOnce() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<Long> ids = new ArrayList<>();
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT id, topic, event_json FROM outbox ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED")) {
                    ps.setInt(1, config.relay().batch());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getLong(1));
                            CloudEvent event = CloudEventJson.fromJson(rs.getString(3));
                            sent.add(producer.send(KafkaCloudEvents.toRecord(rs.getString(2), event)));
                        }
                    }
                }
                if (ids.isEmpty()) {
                    c.commit();
                    return 0;
                }
                producer.flush();
                for (Future<RecordMetadata> f : sent) {
                    f.get(30, TimeUnit.SECONDS);
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM outbox WHERE id = ANY(?)")) {
                    ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
                    ps.executeUpdate();
                }
                c.commit();
                return ids.size();
            } catch (Exception e) {
                c.rollback();
                throw e;
            }
        }
    }
}
