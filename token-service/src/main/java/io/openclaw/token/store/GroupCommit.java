package io.openclaw.token.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * A group commit: concurrent callers' items share one write instead of one transaction each. A caller queues
 * its item and, if fewer than {@code writers} writes are under way, takes a writer's turn and writes
 * everything queued so far (at most {@code maxBatch}) with one call of the write function; otherwise it waits.
 * The batches grow with the load by themselves: while the writes are under way, the callers that arrive queue
 * up for the next. A writer wakes each caller of its batch directly once the write returned, and, as it gives
 * up its turn, the oldest caller still queued, which then takes the turn: no caller waits for a turn only to
 * learn that its item was written. Every caller returns its own item's result, or fails with the exception
 * its write failed with.
 *
 * @param <I> what a caller hands in
 * @param <O> what the write gives back for one item
 */
public final class GroupCommit<I, O> {

    private final int maxBatch;
    private final Function<List<I>, List<O>> write;
    private final ConcurrentLinkedQueue<Pending<I, O>> queue = new ConcurrentLinkedQueue<>();
    private final Semaphore turns;

    /** An item waiting for its batch; the writer sets the result or failure, then done, then wakes its caller. */
    private static final class Pending<I, O> {
        private final I item;
        private final Thread caller = Thread.currentThread();
        private O result;
        private RuntimeException failure;
        private volatile boolean done;

        private Pending(I item) {
            this.item = item;
        }
    }

    /**
     * @param write writes a batch in one go and returns one result per item, in the items' order; what it
     *     throws fails every caller of that batch
     */
    public GroupCommit(int writers, int maxBatch, Function<List<I>, List<O>> write) {
        if (writers < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("writers and maxBatch must be at least 1");
        }
        this.turns = new Semaphore(writers);
        this.maxBatch = maxBatch;
        this.write = write;
    }

    /** Writes the item with whatever else is queued and returns its result. */
    public O submit(I item) {
        Pending<I, O> mine = new Pending<>(item);
        queue.add(mine);
        while (!mine.done) {
            if (turns.tryAcquire()) {
                try {
                    if (!mine.done) {
                        writeQueued();
                    }
                } finally {
                    turns.release();
                }
                // a turn is free: the oldest caller still queued takes it (a caller that queued while the
                // writes were under way may have found every turn taken and be waiting)
                Pending<I, O> next = queue.peek();
                if (next != null) {
                    LockSupport.unpark(next.caller);
                }
            } else {
                // woken when its item is written, or to take the turn; a wake-up that came first is kept
                LockSupport.park(this);
            }
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.result;
    }

    /** Items waiting for a write. */
    int queued() {
        return queue.size();
    }

    private void writeQueued() {
        List<Pending<I, O>> batch = new ArrayList<>();
        for (Pending<I, O> next; batch.size() < maxBatch && (next = queue.poll()) != null; ) {
            batch.add(next);
        }
        List<I> items = new ArrayList<>(batch.size());
        batch.forEach(pending -> items.add(pending.item));
        try {
            List<O> results = write.apply(items);
            if (results.size() != batch.size()) {
                throw new IllegalStateException(
                        "a group write returned " + results.size() + " results for " + batch.size() + " items");
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result = results.get(i);
            }
        } catch (RuntimeException e) {
            batch.forEach(pending -> pending.failure = e);
        } catch (Error e) {
            // e.g. a driver's AssertionError: its callers fail instead of waiting for ever
            IllegalStateException failure = new IllegalStateException("a group write failed", e);
            batch.forEach(pending -> pending.failure = failure);
        }
        for (Pending<I, O> pending : batch) {
            pending.done = true;
            if (pending.caller != Thread.currentThread()) {
                LockSupport.unpark(pending.caller);
            }
        }
    }
}
