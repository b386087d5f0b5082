package io.openclaw.events.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class DeliveryTrackerTest {

    private final DeliveryTracker tracker = new DeliveryTracker();

    @Test
    void awaitReturnsOnceTheRelayReportsTheEventDelivered() {
        DeliveryTracker.Expected expected = tracker.expect("evt_1");
        CompletableFuture<Void> waiter =
                CompletableFuture.runAsync(() -> tracker.await(expected, Duration.ofSeconds(30)));

        tracker.delivered("evt_1");

        assertThat(waiter).succeedsWithin(Duration.ofSeconds(10));
        assertThat(expected.isAcknowledged()).isTrue();
        assertThat(tracker.waiting()).isZero();
    }

    @Test
    void awaitFailsWhenTheEventIsNotAcknowledgedWithinTheBound() {
        DeliveryTracker.Expected expected = tracker.expect("evt_2");
        tracker.delivered("evt_other");

        assertThatThrownBy(() -> tracker.await(expected, Duration.ofMillis(50)))
                .isInstanceOf(AuditUnavailableException.class)
                .hasMessageContaining("within 50 ms");
        assertThat(tracker.waiting()).isZero();
    }

    @Test
    void aFailingRelayRefusesUpFrontUntilItDeliversAgain() {
        tracker.checkReachable();

        tracker.failed(new IllegalStateException("broker down"));

        assertThat(tracker.failing()).isTrue();
        assertThatThrownBy(tracker::checkReachable).isInstanceOf(AuditUnavailableException.class);

        tracker.delivered("evt_3");

        assertThat(tracker.failing()).isFalse();
        tracker.checkReachable();
        assertThat(tracker.lastDelivery()).isNotNull();
    }

    @Test
    void forgottenEventsAreNotKeptAround() {
        DeliveryTracker.Expected expected = tracker.expect("evt_4");
        tracker.forget(expected);
        assertThat(tracker.waiting()).isZero();
    }
}
