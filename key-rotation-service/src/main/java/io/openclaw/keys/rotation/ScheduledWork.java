package io.openclaw.keys.rotation;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/** The periodic work every replica runs; the stores make each piece happen exactly once. */
@ApplicationScoped
public class ScheduledWork {

    private final KeyRotation rotation;
    private final ExpiryNotices expiry;
    private final SigningKeySchedule signing;

    public ScheduledWork(KeyRotation rotation, ExpiryNotices expiry, SigningKeySchedule signing) {
        this.rotation = rotation;
        this.expiry = expiry;
        this.signing = signing;
    }

    @Scheduled(
            every = "${openclaw.keys.schedule.tick:10s}",
            delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        runOnce();
    }

    /** One pass of everything that is due. */
    public void runOnce() {
        try {
            rotation.startDueRotations();
            rotation.advanceRuns();
            expiry.run();
            signing.ensure();
            signing.run();
        } catch (RuntimeException e) {
            Log.warnf("scheduled work failed, retrying next tick: %s", e.getMessage());
        }
    }
}
