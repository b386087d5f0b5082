package io.openclaw.token.outbox;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.CloudEventJson;
import io.openclaw.events.KafkaCloudEvents;
import io.openclaw.token.config.TokenConfig;
import io.openclaw.token.store.Database;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes committed outbox rows to Kafka and deletes them once the broker acknowledged (acks=all).
 * Rows are claimed with {@code FOR UPDATE SKIP LOCKED}, so replicas share the work; a crash between send
 * and delete republishes with the same event id, which consumers dedupe.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final int BATCH = 500;

    private final Database database;
    private final Outbox outbox;
    private final KafkaEventProducer producer;
    private final TokenConfig config;
    private final AtomicBoolean running = new AtomicBoolean();
    private Thread worker;

    public OutboxRelay(Database database, Outbox outbox, KafkaEventProducer producer, TokenConfig config) {
        this.database = database;
        this.outbox = outbox;
        this.producer = producer;
        this.config = config;
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

    private void loop() {
        long backoffMillis = 0;
        while (running.get()) {
            try {
                long wait = backoffMillis > 0
                        ? backoffMillis
                        : config.outboxPollInterval().toMillis();
                outbox.signal().tryAcquire(wait, TimeUnit.MILLISECONDS);
                outbox.signal().drainPermits();
                while (running.get() && relayBatch() == BATCH) {
                    // keep draining a backlog
                }
                backoffMillis = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                backoffMillis = Math.min(Math.max(backoffMillis * 2, 250), 5_000);
                Log.warnf("outbox relay failed, retrying in %d ms: %s", backoffMillis, e.getMessage());
            }
        }
    }

    /** Publishes one batch of committed events; returns how many were published. */
    public int relayBatch() {
        return database.inTransaction(connection -> {
            List<Long> ids = new ArrayList<>();
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, topic, event_json FROM outbox ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED")) {
                select.setInt(1, BATCH);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getLong(1));
                        CloudEvent event = CloudEventJson.fromJson(rows.getString(3));
                        sends.add(producer.producer().send(KafkaCloudEvents.toRecord(rows.getString(2), event)));
                    }
                }
            }
            if (ids.isEmpty()) {
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
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM outbox WHERE id = ANY (?)")) {
                Array array = connection.createArrayOf("bigint", ids.toArray());
                delete.setArray(1, array);
                delete.executeUpdate();
            }
            return ids.size();
        });
    }
}
