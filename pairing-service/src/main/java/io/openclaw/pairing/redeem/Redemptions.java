package io.openclaw.pairing.redeem;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.openclaw.events.EventIds;
import io.openclaw.events.MetricNames;
import io.openclaw.pairing.bruteforce.BruteForceLimits;
import io.openclaw.pairing.bruteforce.SourceAddress;
import io.openclaw.pairing.config.PairingConfig;
import io.openclaw.pairing.secret.CodeAlphabet;
import io.openclaw.pairing.secret.CodeDigest;
import io.openclaw.pairing.store.PairingStore;
import io.openclaw.pairing.store.Script;
import io.openclaw.pairing.web.ProblemException;
import io.openclaw.pairing.web.RequestOrigin;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Single-use redemption: one Lua script refuses locked-out and blocked sources before any lookup, then
 * checks, deletes and tombstones the code and appends the event; failures are counted per IP, per network
 * and platform-wide. If Redis cannot be reached the redemption fails (503), it never skips the limits.
 */
@ApplicationScoped
public class Redemptions {

    private static final String NONE = "none";

    private final PairingStore store;
    private final CodeDigest digest;
    private final BruteForceLimits limits;
    private final PairingConfig config;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public Redemptions(
            PairingStore store,
            CodeDigest digest,
            BruteForceLimits limits,
            PairingConfig config,
            Clock clock,
            MeterRegistry meters) {
        this.store = store;
        this.digest = digest;
        this.limits = limits;
        this.config = config;
        this.clock = clock;
        this.meters = meters;
    }

    /** Redeems on the calling event loop: the one Redis script answers without a thread hand-off. */
    public Uni<Redemption> redeem(RedemptionRequest request, String actor) {
        if (request == null) {
            throw ProblemException.badRequest("invalid_request", "a JSON body is required");
        }
        String canonical = CodeAlphabet.PAIRING.normalize(request.code()).orElse(null);
        if (canonical == null) {
            count("invalid_format");
            throw ProblemException.badRequest(
                    "invalid_format", "a pairing code is 12 symbols from 23456789ABCDEFGHJKMNPQRSTVWXYZ");
        }
        SourceAddress source = limits.source(request.sourceIp());
        var bruteForce = limits.config();
        Instant now = clock.instant();
        List<String> args = new ArrayList<>(List.of(
                digest.pairingCode(canonical),
                String.valueOf(now.toEpochMilli()),
                now.toString(),
                source.ip(),
                source.network(),
                Objects.toString(actor, "svc:unknown"),
                Objects.toString(RequestOrigin.userAgent(request.userAgent()), ""),
                EventIds.next(),
                EventIds.next(),
                EventIds.next(),
                String.valueOf(bruteForce.window().toMillis()),
                String.valueOf(bruteForce.ipFailures()),
                String.valueOf(bruteForce.networkFailures()),
                String.valueOf(bruteForce.networkFailuresUnderAttack()),
                String.valueOf(bruteForce.lockout().toMillis()),
                String.valueOf(config.codes().tombstone().toMillis()),
                now.plus(bruteForce.lockout()).toString()));
        args.addAll(source.blockKeys());
        return store.runAsync(Script.REDEEM_CODE, args).map(Redemptions.this::answer);
    }

    private Redemption answer(List<String> reply) {
        count("ok".equals(reply.get(0)) ? NONE : "locked".equals(reply.get(0)) ? "too_many_attempts" : reply.get(1));
        return switch (reply.get(0)) {
            case "ok" -> new Redemption(
                    reply.get(1), reply.get(2), Arrays.asList(reply.get(3).split(" ")), emptyToNull(reply.get(4)));
            case "locked" -> throw ProblemException.tooManyAttempts(Duration.ofMillis(Long.parseLong(reply.get(1))));
            default -> throw failure(reply.get(1));
        };
    }

    /** Counts a redemption: success (reason {@code none}) or failure with the refusal reason. */
    private void count(String reason) {
        counters.computeIfAbsent(reason, r -> Counter.builder(MetricNames.PAIRING_REDEMPTIONS)
                        .description("pairing-code redemptions by outcome and refusal reason")
                        .tag("outcome", NONE.equals(r) ? "success" : "failure")
                        .tag("reason", r)
                        .register(meters))
                .increment();
    }

    /** What the device is told; the event keeps the exact reason (e.g. code_revoked). */
    private static ProblemException failure(String reason) {
        return switch (reason) {
            case "code_expired" -> ProblemException.badRequest("code_expired", "the pairing code has expired");
            case "code_used" -> ProblemException.badRequest("code_used", "the pairing code has already been used");
            case "code_superseded" -> ProblemException.badRequest(
                    "code_superseded", "a newer pairing code with the same label replaced this one");
            default -> ProblemException.badRequest("invalid_code", "no such pairing code");
        };
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
