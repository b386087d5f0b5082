package io.openclaw.pairing.bruteforce;

import io.openclaw.events.EventIds;
import io.openclaw.pairing.config.PairingConfig;
import io.openclaw.pairing.store.PairingStore;
import io.openclaw.pairing.store.Script;
import io.openclaw.pairing.store.StoreUnavailableException;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Watches platform-wide failed redemptions: a rate far above its baseline is a distributed guessing attack
 * (every source under its own limit). It publishes {@code io.openclaw.pairing.attack.suspected} and
 * tightens the per-network limit until the rate has stayed below the threshold for the hold time.
 */
@ApplicationScoped
public class AttackWatch {

    /** Result of one check. */
    public enum State {
        NORMAL,
        STARTED,
        ONGOING
    }

    private final PairingStore store;
    private final PairingConfig.BruteForce config;
    private final Clock clock;

    public AttackWatch(PairingStore store, PairingConfig config, Clock clock) {
        this.store = store;
        this.config = config.bruteForce();
        this.clock = clock;
    }

    @Scheduled(
            identity = "pairing-attack-watch",
            every = "${openclaw.pairing.brute-force.attack-check-interval:10s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            check();
        } catch (StoreUnavailableException e) {
            Log.debug("attack watch skipped: Redis unavailable");
        }
    }

    /** Compares the current platform-wide failure rate with its baseline. */
    public State check() {
        Instant now = clock.instant();
        List<String> reply = store.run(
                Script.CHECK_ATTACK,
                List.of(
                        String.valueOf(now.toEpochMilli()),
                        now.toString(),
                        EventIds.next(),
                        String.valueOf(config.attackFactor()),
                        String.valueOf(config.attackFloorPerMinute()),
                        String.valueOf(config.baselineMinutes()),
                        String.valueOf(config.attackHold().toMillis())));
        State state = State.valueOf(reply.get(0).toUpperCase(java.util.Locale.ROOT));
        if (state == State.STARTED) {
            Log.warnf(
                    "distributed guessing suspected: %s failed redemptions per minute against a baseline of %s;"
                            + " per-network limit tightened to %d",
                    reply.get(1), reply.get(2), config.networkFailuresUnderAttack());
        }
        return state;
    }
}
