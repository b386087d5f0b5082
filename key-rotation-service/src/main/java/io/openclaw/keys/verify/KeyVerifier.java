package io.openclaw.keys.verify;

import inet.ipaddr.IPAddress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.DisplayText;
import io.openclaw.events.EventFields;
import io.openclaw.events.EventType;
import io.openclaw.events.MetricNames;
import io.openclaw.events.Outcome;
import io.openclaw.events.TraceContext;
import io.openclaw.keys.apikey.ApiKey;
import io.openclaw.keys.apikey.ApiKeyFormat;
import io.openclaw.keys.apikey.ApiKeyStore;
import io.openclaw.keys.apikey.KeyEvents;
import io.openclaw.keys.support.Database;
import io.openclaw.keys.web.Caller;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The verification hot path, one guard clause per answer: checksum first (malformed keys cause no lookup),
 * SHA-256 lookup through the in-process cache, constant-time hash comparison, then state, expiry, network,
 * scopes and finally the per-key rate limit in Redis. Every answer about a known key becomes a usage event;
 * every rejection also a {@code key.rejected} event.
 *
 * <p>The answer is computed on the calling (event-loop) thread whenever nothing has to wait: a cached key
 * without a rate limit costs no I/O at all. A cache miss reads PostgreSQL on a worker thread; the rate
 * limit is one non-blocking Redis call. Events leave through {@link UsageRecorder}'s queue.
 */
@ApplicationScoped
public class KeyVerifier {

    /** Micrometer name of the verification latency timer (no percentiles, no histogram: it stays cheap). */
    public static final String DURATION = "openclaw.keys.verification.duration";

    private final Database database;
    private final ApiKeyStore store;
    private final VerificationCache cache;
    private final RateLimiter rateLimiter;
    private final UsageRecorder usage;
    private final Clock clock;
    private final Map<VerifyCode, Counter> verifications = new EnumMap<>(VerifyCode.class);
    private final Timer duration;

    public KeyVerifier(
            Database database,
            ApiKeyStore store,
            VerificationCache cache,
            RateLimiter rateLimiter,
            UsageRecorder usage,
            Clock clock,
            MeterRegistry metrics) {
        this.database = database;
        this.store = store;
        this.cache = cache;
        this.rateLimiter = rateLimiter;
        this.usage = usage;
        this.clock = clock;
        for (VerifyCode code : VerifyCode.values()) {
            verifications.put(
                    code,
                    Counter.builder(MetricNames.KEY_VERIFICATIONS)
                            .description("API-key verifications by outcome code")
                            .tag("code", code.name())
                            .register(metrics));
        }
        this.duration = Timer.builder(DURATION)
                .description("Time to answer one API-key verification")
                .publishPercentileHistogram(false)
                .register(metrics);
    }

    /** Verifies a key; completes on the calling thread unless PostgreSQL or Redis must be asked. */
    public Uni<Verification> verify(Caller caller, VerifyRequest request, String userAgent) {
        long started = System.nanoTime();
        IPAddress client = IpAllowlist.parseClient(request.clientIp());
        String candidate = request.key();
        if (!ApiKeyFormat.isWellFormed(candidate)) {
            return Uni.createFrom()
                    .item(finish(
                            caller,
                            request,
                            client,
                            userAgent,
                            Verification.of(VerifyCode.MALFORMED, null, "malformed"),
                            started));
        }
        byte[] hash = ApiKeyFormat.sha256(candidate);
        VerificationCache.CachedKey cached = cache.get(hash);
        if (cached != null) {
            // the common case: a key seen within the cache TTL, answered without any operator pipeline
            Verification now = decideNow(caller, request, client, hash, cached);
            if (now != null) {
                return Uni.createFrom().item(finish(caller, request, client, userAgent, now, started));
            }
        }
        Uni<VerificationCache.CachedKey> lookup = cached != null
                ? Uni.createFrom().item(cached)
                : Uni.createFrom().item(() -> load(hash)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        return lookup.chain(found -> decide(caller, request, client, hash, found))
                .map(result -> finish(caller, request, client, userAgent, result, started));
    }

    private Verification finish(
            Caller caller,
            VerifyRequest request,
            IPAddress client,
            String userAgent,
            Verification result,
            long started) {
        verifications.get(result.code()).increment();
        record(caller, request.clientIp(), client, userAgent, result);
        duration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        return result;
    }

    private Uni<Verification> decide(
            Caller caller, VerifyRequest request, IPAddress client, byte[] hash, VerificationCache.CachedKey cached) {
        Verification now = decideNow(caller, request, client, hash, cached);
        if (now != null) {
            return answer(now);
        }
        ApiKey key = cached.key();
        return rateLimiter
                .hitAsync(key.id(), key.rateLimitRequests(), key.rateLimitWindowSeconds(), clock.instant())
                .map(decision -> decision.allowed()
                        ? Verification.of(VerifyCode.VALID, key, null)
                        : new Verification(VerifyCode.RATE_LIMITED, key, "rate_limited", decision.retryAfterSeconds()));
    }

    /**
     * Every check that needs no I/O, in order; null when only the key's rate limit (in Redis) is left to ask.
     */
    private Verification decideNow(
            Caller caller, VerifyRequest request, IPAddress client, byte[] hash, VerificationCache.CachedKey cached) {
        ApiKey key = cached.key();
        if (key == null || !MessageDigest.isEqual(key.keyHash(), hash)) {
            return Verification.of(VerifyCode.NOT_FOUND, null, "not_found");
        }
        if (caller.accountId() != null
                && !caller.isPlatformAdmin()
                && !caller.accountId().equals(key.accountId())) {
            return Verification.of(VerifyCode.NOT_FOUND, null, "other_account");
        }
        Instant now = clock.instant();
        if (key.status().equals(ApiKey.REVOKED)) {
            return Verification.of(VerifyCode.REVOKED, key, "revoked");
        }
        if (key.status().equals(ApiKey.RETIRED)
                || (key.stage().equals(ApiKey.PREVIOUS) && !now.isBefore(key.graceUntil()))) {
            return Verification.of(VerifyCode.EXPIRED, key, "rotation_grace_ended");
        }
        if (key.status().equals(ApiKey.DISABLED)) {
            return Verification.of(VerifyCode.DISABLED, key, "disabled");
        }
        if (key.stage().equals(ApiKey.PENDING)) {
            return Verification.of(VerifyCode.DISABLED, key, "pending_rotation");
        }
        if (key.expiresAt() != null && !now.isBefore(key.expiresAt())) {
            return Verification.of(VerifyCode.EXPIRED, key, "expired");
        }
        if (!cached.allowlist().allows(client)) {
            return Verification.of(VerifyCode.IP_NOT_ALLOWED, key, "ip_not_allowed");
        }
        List<String> required = request.requiredScopes() == null ? List.of() : request.requiredScopes();
        if (!cached.scopes().containsAll(required)) {
            return Verification.of(VerifyCode.INSUFFICIENT_SCOPE, key, "insufficient_scope");
        }
        if (key.rateLimitRequests() == null) {
            return Verification.of(VerifyCode.VALID, key, null);
        }
        return null;
    }

    private static Uni<Verification> answer(Verification verification) {
        return Uni.createFrom().item(verification);
    }

    private VerificationCache.CachedKey load(byte[] hash) {
        VerificationCache.CachedKey cached = cache.get(hash);
        if (cached != null) {
            return cached;
        }
        long generation = cache.generation();
        ApiKey key =
                database.read(connection -> store.findByHash(connection, hash)).orElse(null);
        return cache.put(hash, key, generation);
    }

    private void record(Caller caller, String clientIp, IPAddress client, String userAgent, Verification result) {
        Instant now = clock.instant();
        ApiKey key = result.key();
        // the address as parsed: without the padding (even a NUL) that parseClient trimmed away
        String ip = client == null ? null : DisplayText.forEvent(clientIp.trim(), 64);
        String traceparent = TraceContext.currentTraceparent();
        if (key != null) {
            CloudEvent.Builder used = CloudEvent.builder(EventType.KEY_USED)
                    .source(KeyEvents.SOURCE)
                    .time(now)
                    .traceparent(traceparent)
                    .accountId(key.accountId())
                    .actor(caller.subject())
                    .subject(key.id())
                    .outcome(result.valid() ? Outcome.SUCCESS : Outcome.FAILURE)
                    .reason(result.code().name())
                    .sourceIp(ip)
                    .userAgent(userAgent)
                    .partitionKey(key.id())
                    .data(EventFields.KEY_ID, key.id());
            String network = UsageRecorder.network(client);
            if (network != null) {
                used.data(EventFields.NETWORK, network);
            }
            usage.record(used.build());
        }
        if (!result.valid()) {
            CloudEvent.Builder rejected = CloudEvent.builder(EventType.KEY_REJECTED)
                    .source(KeyEvents.SOURCE)
                    .time(now)
                    .traceparent(traceparent)
                    .accountId(key == null ? null : key.accountId())
                    .actor(caller.subject())
                    .subject(key == null ? "unknown_key" : key.id())
                    .outcome(Outcome.FAILURE)
                    .reason(result.code().name())
                    .sourceIp(ip)
                    .userAgent(userAgent);
            if (key != null) {
                rejected.data(EventFields.KEY_ID, key.id());
            }
            usage.record(rejected.build());
        }
    }
}
