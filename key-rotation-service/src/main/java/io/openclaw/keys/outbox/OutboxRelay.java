package io.openclaw.keys.outbox;

import io.openclaw.events.CloudEventJson;
import io.openclaw.events.KafkaCloudEvents;
import io.openclaw.keys.config.KeysConfig;
import io.openclaw.keys.support.Database;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Publishes outbox rows to Kafka. Rows are claimed with {@code FOR UPDATE SKIP LOCKED} (so replicas share
 * the work without publishing a row twice at the same time), sent, acknowledged by the broker, and only
 * then deleted in the same transaction. A crash between send and delete republishes the row with the same
 * event id; consumers dedupe on it. Nothing committed is ever lost.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final String CLAIM =
            "SELECT id, topic, event FROM outbox ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED";

    private final Database database;
    private final EventPublisher publisher;
    private final KeysConfig config;
    private final Semaphore wakeups = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;

    public OutboxRelay(Database database, EventPublisher publisher, KeysConfig config) {
        this.database = database;
        this.publisher = publisher;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        running = true;
        thread = new Thread(this::loop, "outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        wakeups.release();
    }

    void onCommit(@Observes Database.Committed committed) {
        wakeups.release();
    }

    /** Asks the relay to run a pass now. */
    public void wake() {
        wakeups.release();
    }

    private void loop() {
        long backoffMillis = 0;
        while (running) {
            try {
                if (backoffMillis > 0) {
                    wakeups.tryAcquire(backoffMillis, TimeUnit.MILLISECONDS);
                }
                int relayed = relayOnce();
                backoffMillis = 0;
                if (relayed < config.outbox().batchSize()) {
                    wakeups.tryAcquire(config.outbox().pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wakeups.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                backoffMillis = Math.min(Math.max(backoffMillis * 2, 250), 5_000);
                Log.warnf("outbox relay pass failed (%s); retrying in %d ms", e.getMessage(), backoffMillis);
            }
        }
    }

    /** One pass: publishes up to a batch of rows and deletes them once the broker acknowledged them. */
    public int relayOnce() {
        return database.inTransactionWithoutWake(connection -> {
            List<Long> ids = new ArrayList<>();
            List<Future<?>> sends = new ArrayList<>();
            try (PreparedStatement claim = connection.prepareStatement(CLAIM)) {
                claim.setInt(1, config.outbox().batchSize());
                try (ResultSet rows = claim.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getLong("id"));
                        sends.add(publisher.send(KafkaCloudEvents.toRecord(
                                rows.getString("topic"), CloudEventJson.fromJson(rows.getString("event")))));
                    }
                }
            }
            if (ids.isEmpty()) {
                return 0;
            }
            for (Future<?> send : sends) {
                try {
                    send.get(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while publishing the outbox", e);
                } catch (Exception e) {
                    throw new IllegalStateException("broker did not acknowledge: " + e.getMessage(), e);
                }
            }
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM outbox WHERE id = ANY (?)")) {
                delete.setArray(1, connection.createArrayOf("bigint", ids.toArray()));
                delete.executeUpdate();
            }
            return ids.size();
        });
    }
}
