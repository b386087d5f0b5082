package io.openclaw.pairing.events;

import io.openclaw.events.delivery.DeliveryTracker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** One tracker per service: the outbox relay reports to it, fail-closed requests wait on it. */
@ApplicationScoped
public class DeliveryTrackerProducer {

    @Produces
    @Singleton
    DeliveryTracker deliveryTracker() {
        // the wall clock, not the service's (tests shift that one to expire codes)
        return new DeliveryTracker(Clock.systemUTC());
    }
}
