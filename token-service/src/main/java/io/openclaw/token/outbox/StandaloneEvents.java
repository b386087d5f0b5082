package io.openclaw.token.outbox;

import io.openclaw.events.CloudEvent;
import io.openclaw.token.store.Database;
import io.openclaw.token.store.GroupCommit;
import io.openclaw.token.store.StoreUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collections;

/**
 * Events that belong to no other state change (a {@code client_credentials} issuance, a refused grant),
 * written to the outbox with a group commit: concurrent callers' events share one multi-row INSERT and one
 * COMMIT instead of one transaction each ({@link GroupCommit}). Every caller returns only once its own event
 * is committed, or fails as its batch failed.
 */
@ApplicationScoped
public class StandaloneEvents {

    private static final int MAX_BATCH = 256;
    /** Batches written at once. */
    private static final int WRITERS = 1;

    private final Outbox outbox;
    private final GroupCommit<CloudEvent, Boolean> commits;

    public StandaloneEvents(Database database, Outbox outbox) {
        this.outbox = outbox;
        this.commits = new GroupCommit<>(
                WRITERS,
                MAX_BATCH,
                events -> database.inTransaction(connection -> {
                    outbox.addAll(connection, events);
                    return Collections.nCopies(events.size(), Boolean.TRUE);
                }));
    }

    /**
     * Commits the event to the outbox and wakes the relay. Fails as its batch failed ({@link
     * StoreUnavailableException} when PostgreSQL could not commit it), or at once with {@link
     * IllegalArgumentException} for an event of no known type, so that one bad event never fails the others.
     */
    public void commit(CloudEvent event) {
        Outbox.topicOf(event);
        commits.submit(event);
        outbox.wake();
    }
}
