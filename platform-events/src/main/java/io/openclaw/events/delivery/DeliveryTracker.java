package io.openclaw.events.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a service knows about handing its events to Kafka: whether its outbox relay can reach the broker
 * now, and, for callers that must not answer before their event is on Kafka (the fail-closed audit
 * switch), a way to wait for one event's acknowledgement within a bound.
 *
 * <p>The relay reports every acknowledged event with {@link #delivered(String)} and every failed attempt
 * with {@link #failed(Throwable)}. A request that runs fail-closed calls {@link #checkReachable()} before
 * it changes anything, registers its event with {@link #expect(String)} before committing it, and calls
 * {@link #await(Expected, Duration)} before it answers.
 */
public final class DeliveryTracker {

    /** An event a caller waits for. */
    public static final class Expected {
        private final String eventId;
        private final CompletableFuture<Void> acknowledged = new CompletableFuture<>();

        private Expected(String eventId) {
            this.eventId = eventId;
        }

        public String eventId() {
            return eventId;
        }

        public boolean isAcknowledged() {
            return acknowledged.isDone();
        }
    }

    private final Map<String, Expected> waiting = new ConcurrentHashMap<>();
    private final Clock clock;
    private volatile Instant failingSince;
    private volatile Instant lastDelivery;

    public DeliveryTracker(Clock clock) {
        this.clock = clock;
    }

    public DeliveryTracker() {
        this(Clock.systemUTC());
    }

    /** Registers an event before it is committed to the outbox, so its acknowledgement is not missed. */
    public Expected expect(String eventId) {
        Expected expected = new Expected(eventId);
        waiting.put(eventId, expected);
        return expected;
    }

    /** Stops waiting for an event whose transaction did not commit. */
    public void forget(Expected expected) {
        waiting.remove(expected.eventId, expected);
    }

    /** The broker acknowledged this event (acks=all). */
    public void delivered(String eventId) {
        lastDelivery = clock.instant();
        failingSince = null;
        Expected expected = waiting.remove(eventId);
        if (expected != null) {
            expected.acknowledged.complete(null);
        }
    }

    /** The broker answered, with nothing to deliver (an empty poll that reached Kafka counts too). */
    public void reachable() {
        failingSince = null;
    }

    /** A publish attempt failed: the broker is unreachable or refused the batch. */
    public void failed(Throwable cause) {
        if (failingSince == null) {
            failingSince = clock.instant();
        }
    }

    /** True while the last publish attempt failed. */
    public boolean failing() {
        return failingSince != null;
    }

    /** When the relay last had an event acknowledged, or null if never. */
    public Instant lastDelivery() {
        return lastDelivery;
    }

    /** Refuses up front when the relay currently cannot publish, before anything is changed. */
    public void checkReachable() {
        Instant since = failingSince;
        if (since != null) {
            throw new AuditUnavailableException("the event stream has been unreachable since " + since);
        }
    }

    /**
     * Waits until the broker acknowledged the event, at most {@code bound}. On timeout the caller must not
     * hand out what the event describes; the event itself stays in the outbox and is published later.
     */
    public void await(Expected expected, Duration bound) {
        try {
            expected.acknowledged.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            waiting.remove(expected.eventId, expected);
            throw new AuditUnavailableException(
                    "the event was not acknowledged by the event stream within " + bound.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            waiting.remove(expected.eventId, expected);
            throw new AuditUnavailableException("interrupted while waiting for the event stream");
        } catch (ExecutionException e) {
            throw new AuditUnavailableException("the event could not be published");
        }
    }

    /** Number of events callers are waiting for (for metrics and tests). */
    public int waiting() {
        return waiting.size();
    }
}
