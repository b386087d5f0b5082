package io.openclaw.token.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A group commit: concurrent callers' items share one write instead of one transaction each. A caller queues
 * its item and takes the writer's turn; whoever holds the turn writes everything queued so far (at most
 * {@code maxBatch}) with one call of the write function, so the others, when their turn comes, usually find
 * their item already written. The batch grows with the load by itself: while one write is under way, the
 * callers that arrive queue up for the next. Every caller returns its own item's result once the write that
 * held it returned, or fails with the exception that write failed with.
 *
 * @param <I> what a caller hands in
 * @param <O> what the write gives back for one item
 */
public final class GroupCommit<I, O> {

    private final int maxBatch;
    private final Function<List<I>, List<O>> write;
    private final ConcurrentLinkedQueue<Pending<I, O>> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock turn = new ReentrantLock();

    /** An item waiting for its batch; the writer sets done (and the result) or failure before it gives up its turn. */
    private static final class Pending<I, O> {
        private final I item;
        private boolean done;
        private O result;
        private RuntimeException failure;

        private Pending(I item) {
            this.item = item;
        }
    }

    /**
     * @param write writes a batch in one go and returns one result per item, in the items' order; what it
     *     throws fails every caller of that batch
     */
    public GroupCommit(int maxBatch, Function<List<I>, List<O>> write) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1");
        }
        this.maxBatch = maxBatch;
        this.write = write;
    }

    /** Writes the item with whatever else is queued and returns its result. */
    public O submit(I item) {
        Pending<I, O> mine = new Pending<>(item);
        queue.add(mine);
        turn.lock();
        try {
            while (!mine.done && mine.failure == null) {
                writeQueued();
            }
            if (mine.failure != null) {
                throw mine.failure;
            }
            return mine.result;
        } finally {
            turn.unlock();
        }
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
                batch.get(i).done = true;
            }
        } catch (RuntimeException e) {
            batch.forEach(pending -> pending.failure = e);
        }
    }
}
