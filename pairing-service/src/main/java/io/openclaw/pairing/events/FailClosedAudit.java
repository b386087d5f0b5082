package io.openclaw.pairing.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.openclaw.events.MetricNames;
import io.openclaw.events.delivery.AuditUnavailableException;
import io.openclaw.events.delivery.DeliveryTracker;
import io.openclaw.pairing.config.AuditConfig;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * The fail-closed audit switch ({@code openclaw.audit.fail-closed}): when on, an operation that hands out a
 * credential first checks that the relay can reach Kafka, registers its event before the script commits
 * it, and answers only once the broker acknowledged it; otherwise it undoes what it did and is refused.
 * When off, every method is a no-op.
 */
@ApplicationScoped
public class FailClosedAudit {

    private final DeliveryTracker tracker;
    private final boolean on;
    private final Duration timeout;
    private final Counter refusals;

    public FailClosedAudit(DeliveryTracker tracker, AuditConfig config, MeterRegistry meters) {
        this.tracker = tracker;
        this.on = config.failClosed();
        this.timeout = config.failClosedTimeout();
        this.refusals = Counter.builder(MetricNames.FAIL_CLOSED_REFUSALS)
                .description("operations refused because their audit event could not reach Kafka")
                .tag("service", "pairing-service")
                .register(meters);
    }

    /** Whether the switch is on. */
    public boolean on() {
        return on;
    }

    /** How long a refused caller should wait before retrying. */
    public Duration retryAfter() {
        return timeout.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : timeout;
    }

    /**
     * Before anything changes: refuses when the relay currently cannot publish, else registers the event
     * the operation will commit. Null when the switch is off.
     */
    public DeliveryTracker.Expected expect(String eventId) {
        if (!on) {
            return null;
        }
        try {
            tracker.checkReachable();
        } catch (AuditUnavailableException e) {
            refused(e);
            throw e;
        }
        return tracker.expect(eventId);
    }

    /** The operation did not commit its event: stop waiting for it. */
    public void abandon(DeliveryTracker.Expected expected) {
        if (expected != null) {
            tracker.forget(expected);
        }
    }

    /**
     * Waits for the broker's acknowledgement of the committed event; on timeout runs {@code undo} (the
     * event stays in the outbox and is published later) and refuses the operation.
     */
    public void confirm(DeliveryTracker.Expected expected, Runnable undo) {
        if (expected == null) {
            return;
        }
        try {
            tracker.await(expected, timeout);
        } catch (AuditUnavailableException e) {
            try {
                undo.run();
            } catch (RuntimeException undoFailed) {
                Log.errorf("could not undo an operation refused by the fail-closed audit switch: %s", undoFailed);
            }
            refused(e);
            throw e;
        }
    }

    private void refused(AuditUnavailableException e) {
        refusals.increment();
        Log.warnf("refused by the fail-closed audit switch: %s", e.getMessage());
    }
}
