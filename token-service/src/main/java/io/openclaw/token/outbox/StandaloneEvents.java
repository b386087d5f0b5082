package io.openclaw.token.outbox;

import io.openclaw.events.CloudEvent;
import io.openclaw.token.store.Database;
import io.openclaw.token.store.StoreUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Events that belong to no other state change (a {@code client_credentials} issuance, a refused grant),
 * written to the outbox with a group commit: concurrent callers' events share one multi-row INSERT and one
 * COMMIT instead of one transaction each. The caller that takes the writer's turn writes everything queued
 * so far; the others, when their turn comes, usually find their event already committed. Every caller returns
 * only once its own event is committed, or fails as its batch failed.
 */
@ApplicationScoped
public class StandaloneEvents {

    private static final int MAX_BATCH = 256;

    private final Database database;
    private final Outbox outbox;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock turn = new ReentrantLock();

    /** An event waiting for its batch; the writer sets written or failure before it gives up its turn. */
    private static final class Pending {
        private final CloudEvent event;
        private boolean written;
        private RuntimeException failure;

        private Pending(CloudEvent event) {
            this.event = event;
        }
    }

    public StandaloneEvents(Database database, Outbox outbox) {
        this.database = database;
        this.outbox = outbox;
    }

    /**
     * Commits the event to the outbox and wakes the relay. Fails as its batch failed ({@link
     * StoreUnavailableException} when PostgreSQL could not commit it), or at once with {@link
     * IllegalArgumentException} for an event of no known type, so that one bad event never fails the others.
     */
    public void commit(CloudEvent event) {
        Outbox.topicOf(event);
        Pending mine = new Pending(event);
        queue.add(mine);
        turn.lock();
        try {
            while (!mine.written && mine.failure == null) {
                writeQueued();
            }
        } finally {
            turn.unlock();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        outbox.wake();
    }

    private void writeQueued() {
        List<Pending> batch = new ArrayList<>();
        for (Pending next; batch.size() < MAX_BATCH && (next = queue.poll()) != null; ) {
            batch.add(next);
        }
        List<CloudEvent> events = batch.stream().map(p -> p.event).toList();
        try {
            database.inTransaction(connection -> {
                outbox.addAll(connection, events);
                return null;
            });
            batch.forEach(p -> p.written = true);
        } catch (RuntimeException e) {
            batch.forEach(p -> p.failure = e);
        }
    }
}
