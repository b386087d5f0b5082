package io.openclaw.keys.verify;

import inet.ipaddr.IPAddress;
import io.openclaw.events.CloudEvent;
import io.openclaw.keys.config.KeysConfig;
import io.openclaw.keys.outbox.EventPublisher;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Usage events ({@code io.openclaw.key.used}, keyed by key id) leave the hot path through a bounded queue
 * and are sent to {@code openclaw.key.usage} in batches by one thread. When the queue is full new events
 * are dropped and counted rather than slowing verification down.
 */
@ApplicationScoped
public class UsageRecorder {

    private final EventPublisher publisher;
    private final KeysConfig config;
    private final BlockingQueue<CloudEvent> queue;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean running;

    public UsageRecorder(EventPublisher publisher, KeysConfig config) {
        this.publisher = publisher;
        this.config = config;
        this.queue = new ArrayBlockingQueue<>(config.usage().queueCapacity());
    }

    void start(@Observes StartupEvent event) {
        running = true;
        Thread thread = new Thread(this::loop, "usage-events");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
    }

    public void record(CloudEvent event) {
        if (!queue.offer(event)) {
            long total = dropped.incrementAndGet();
            if (total % 1000 == 1) {
                Log.warnf("usage queue full: %d usage events dropped so far", total);
            }
        }
    }

    public long dropped() {
        return dropped.get();
    }

    /**
     * Drains the queue in batches. When a drain comes back short the thread sleeps for the flush interval
     * rather than waiting on the queue, so offering an event never has to wake it: a verification costs a
     * queue insertion, not a thread hand-off.
     */
    private void loop() {
        List<CloudEvent> batch = new ArrayList<>();
        long pause = config.usage().flushInterval().toNanos();
        while (running || !queue.isEmpty()) {
            queue.drainTo(batch, config.usage().batchSize());
            for (CloudEvent event : batch) {
                publisher.sendQuietly(event);
            }
            if (batch.size() < config.usage().batchSize()) {
                LockSupport.parkNanos(pause);
            }
            batch.clear();
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }

    /** The client's /24 (IPv4) or /64 (IPv6) network, for "first use from a new network" detection. */
    static String network(String ip) {
        return network(IpAllowlist.parseClient(ip));
    }

    /** {@link #network(String)} of an address already parsed with {@link IpAllowlist#parseClient}. */
    static String network(IPAddress address) {
        if (address == null) {
            return null;
        }
        int bits = address.isIPv4() ? 24 : 64;
        return address.toPrefixBlock(bits).toCanonicalString();
    }
}
