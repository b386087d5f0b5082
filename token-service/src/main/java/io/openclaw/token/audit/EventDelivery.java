package io.openclaw.token.audit;

import io.openclaw.events.delivery.DeliveryTracker;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The one {@link DeliveryTracker} of the service: the outbox relay reports to it, grants wait on it. */
public class EventDelivery {

    @Produces
    @Singleton
    DeliveryTracker deliveryTracker() {
        return new DeliveryTracker();
    }
}
