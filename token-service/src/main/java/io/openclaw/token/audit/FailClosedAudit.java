package io.openclaw.token.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.openclaw.events.MetricNames;
import io.openclaw.events.delivery.AuditUnavailableException;
import io.openclaw.events.delivery.DeliveryTracker;
import io.openclaw.events.delivery.DeliveryTracker.Expected;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The fail-closed audit switch for security-relevant operations (grants, signing-key rotation by an admin).
 * With the switch off every method is a no-op. With it on, an operation {@link #checkReachable() refuses up
 * front} while the relay cannot publish, {@link #expect registers} its events before committing them and
 * {@link #await waits} for the broker's acknowledgement before it answers; a refusal is counted in
 * {@link MetricNames#FAIL_CLOSED_REFUSALS} and surfaces as {@link AuditUnavailableException} (503).
 */
@ApplicationScoped
public class FailClosedAudit {

    private final DeliveryTracker tracker;
    private final AuditConfig config;
    private final Counter refusals;

    public FailClosedAudit(DeliveryTracker tracker, AuditConfig config, MeterRegistry meters) {
        this.tracker = tracker;
        this.config = config;
        this.refusals = meters.counter(MetricNames.FAIL_CLOSED_REFUSALS, "service", "token-service");
    }

    public boolean enabled() {
        return config.failClosed();
    }

    /** Refuses before anything changes while the relay's last attempt to publish failed. */
    public void checkReachable() {
        if (!config.failClosed()) {
            return;
        }
        try {
            tracker.checkReachable();
        } catch (AuditUnavailableException e) {
            throw refused(e);
        }
    }

    /** Registers events (by id) before the transaction that writes them commits; empty when off. */
    public List<Expected> expect(String... eventIds) {
        if (!config.failClosed()) {
            return List.of();
        }
        return java.util.Arrays.stream(eventIds).map(tracker::expect).toList();
    }

    /** Stops waiting for events whose transaction did not commit. */
    public void forget(List<Expected> expected) {
        expected.forEach(tracker::forget);
    }

    /** Waits until every expected event was acknowledged by the broker, within the configured bound. */
    public void await(List<Expected> expected) {
        if (expected.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + config.failClosedTimeout().toNanos();
        try {
            for (Expected event : expected) {
                long left = Math.max(0, deadline - System.nanoTime());
                tracker.await(event, java.time.Duration.ofNanos(left));
            }
        } catch (AuditUnavailableException e) {
            forget(expected);
            throw refused(e);
        }
    }

    private AuditUnavailableException refused(AuditUnavailableException e) {
        refusals.increment();
        Log.warnf("refused a security-relevant operation, fail-closed audit: %s", e.getMessage());
        return e;
    }
}
