package io.openclaw.keys.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.openclaw.events.MetricNames;
import io.openclaw.events.delivery.AuditUnavailableException;
import io.openclaw.events.delivery.DeliveryTracker;
import io.openclaw.keys.config.AuditConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The fail-closed audit switch ({@code openclaw.audit.fail-closed}) for key creation, key rotation and
 * account creation. With the switch on, such an operation refuses up front while the outbox relay cannot
 * reach Kafka, registers its event before committing it, and waits (at most
 * {@code openclaw.audit.fail-closed-timeout}) for the broker's acknowledgement before it hands anything out.
 * With the switch off every method is a no-op. Refusals are counted in
 * {@link MetricNames#FAIL_CLOSED_REFUSALS}.
 */
@ApplicationScoped
public class AuditGate {

    static final String SERVICE = "key-rotation-service";

    private final DeliveryTracker tracker;
    private final AuditConfig config;
    private final Counter refusals;

    public AuditGate(DeliveryTracker tracker, AuditConfig config, MeterRegistry metrics) {
        this.tracker = tracker;
        this.config = config;
        this.refusals = Counter.builder(MetricNames.FAIL_CLOSED_REFUSALS)
                .description("Operations refused because their audit event could not be handed to Kafka")
                .tag("service", SERVICE)
                .register(metrics);
    }

    /** The tracker the outbox relay reports to (one per process). */
    @Produces
    @Singleton
    static DeliveryTracker deliveryTracker() {
        return new DeliveryTracker();
    }

    public boolean enabled() {
        return config.failClosed();
    }

    /** Refuses before anything is changed while the event stream is known to be unreachable. */
    public void checkReachable() {
        if (!enabled()) {
            return;
        }
        try {
            tracker.checkReachable();
        } catch (AuditUnavailableException e) {
            refusals.increment();
            throw e;
        }
    }

    /** Registers the event about to be committed; null when the switch is off. */
    public DeliveryTracker.Expected expect(String eventId) {
        return enabled() ? tracker.expect(eventId) : null;
    }

    /** The transaction that should have carried the event did not commit. */
    public void forget(DeliveryTracker.Expected expected) {
        if (expected != null) {
            tracker.forget(expected);
        }
    }

    /**
     * Waits for the broker to acknowledge the event; throws {@link AuditUnavailableException} (and counts a
     * refusal) when it did not within the bound. The caller must then not hand out what the event describes.
     */
    public void await(DeliveryTracker.Expected expected) {
        if (expected == null) {
            return;
        }
        try {
            tracker.await(expected, config.failClosedTimeout());
        } catch (AuditUnavailableException e) {
            refusals.increment();
            throw e;
        }
    }
}
