package io.openclaw.keys.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.openclaw.events.CloudEventJson;
import io.openclaw.events.KafkaCloudEvents;
import io.openclaw.events.MetricNames;
import io.openclaw.events.delivery.DeliveryTracker;
import io.openclaw.keys.config.KeysConfig;
import io.openclaw.keys.support.Database;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 *
 * <p>Every acknowledged event is reported to the {@link DeliveryTracker} (the fail-closed audit switch waits
 * on it), every failed pass as a failure. The age of the oldest event not yet acknowledged is published as
 * {@link MetricNames#OUTBOX_LAG} (0 when the outbox is empty).
 */
@ApplicationScoped
public class OutboxRelay {

    private static final String CLAIM =
            "SELECT id, event_id, topic, event, created_at FROM outbox ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED";

    private final Database database;
    private final EventPublisher publisher;
    private final KeysConfig config;
    private final DeliveryTracker tracker;
    private final Clock clock;
    private final Semaphore wakeups = new Semaphore(0);
    private volatile Instant oldestUnacknowledged;
    private volatile boolean running;
    private Thread thread;

    public OutboxRelay(
            Database database,
            EventPublisher publisher,
            KeysConfig config,
            DeliveryTracker tracker,
            Clock clock,
            MeterRegistry metrics) {
        this.database = database;
        this.publisher = publisher;
        this.config = config;
        this.tracker = tracker;
        this.clock = clock;
        Gauge.builder(MetricNames.OUTBOX_LAG, this, OutboxRelay::lagSeconds)
                .description("Age of the oldest event not yet acknowledged by Kafka")
                .baseUnit("seconds")
                .tag("service", AuditGate.SERVICE)
                .register(metrics);
    }

    /** Seconds since the oldest event this replica has not yet seen acknowledged was written; 0 when none. */
    public double lagSeconds() {
        Instant oldest = oldestUnacknowledged;
        if (oldest == null) {
            return 0;
        }
        return Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1000.0);
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
                tracker.failed(e);
                backoffMillis = Math.min(Math.max(backoffMillis * 2, 250), 5_000);
                Log.warnf("outbox relay pass failed (%s); retrying in %d ms", e.getMessage(), backoffMillis);
            }
        }
    }

    /** One pass: publishes up to a batch of rows and deletes them once the broker acknowledged them. */
    public int relayOnce() {
        return database.inTransactionWithoutWake(connection -> {
            List<Long> ids = new ArrayList<>();
            List<String> eventIds = new ArrayList<>();
            List<Future<?>> sends = new ArrayList<>();
            try (PreparedStatement claim = connection.prepareStatement(CLAIM)) {
                claim.setInt(1, config.outbox().batchSize());
                try (ResultSet rows = claim.executeQuery()) {
                    while (rows.next()) {
                        if (ids.isEmpty()) {
                            oldestUnacknowledged = Database.instant(rows, "created_at");
                        }
                        ids.add(rows.getLong("id"));
                        eventIds.add(rows.getString("event_id"));
                        sends.add(publisher.send(KafkaCloudEvents.toRecord(
                                rows.getString("topic"), CloudEventJson.fromJson(rows.getString("event")))));
                    }
                }
            }
            if (ids.isEmpty()) {
                oldestUnacknowledged = null;
                return 0;
            }
            for (int i = 0; i < sends.size(); i++) {
                try {
                    sends.get(i).get(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while publishing the outbox", e);
                } catch (Exception e) {
                    throw new IllegalStateException("broker did not acknowledge: " + e.getMessage(), e);
                }
            }
            for (String eventId : eventIds) {
                tracker.delivered(eventId);
            }
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM outbox WHERE id = ANY (?)")) {
                delete.setArray(1, connection.createArrayOf("bigint", ids.toArray()));
                delete.executeUpdate();
            }
            if (ids.size() < config.outbox().batchSize()) {
                oldestUnacknowledged = null;
            }
            return ids.size();
        });
    }
}
