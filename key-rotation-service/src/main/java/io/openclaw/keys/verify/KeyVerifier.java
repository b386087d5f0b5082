package io.openclaw.keys.verify;

import io.micrometer.core.instrument.MeterRegistry;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventFields;
import io.openclaw.events.EventType;
import io.openclaw.events.Outcome;
import io.openclaw.keys.apikey.ApiKey;
import io.openclaw.keys.apikey.ApiKeyFormat;
import io.openclaw.keys.apikey.ApiKeyStore;
import io.openclaw.keys.apikey.KeyEvents;
import io.openclaw.keys.outbox.EventPublisher;
import io.openclaw.keys.support.Database;
import io.openclaw.keys.web.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The verification hot path, one guard clause per answer: checksum first (malformed keys cause no lookup),
 * SHA-256 lookup through the in-process cache, constant-time hash comparison, then state, expiry, network,
 * scopes and finally the per-key rate limit in Redis. Every answer about a known key becomes a usage event;
 * every rejection also a {@code key.rejected} event.
 */
@ApplicationScoped
public class KeyVerifier {

    private final Database database;
    private final ApiKeyStore store;
    private final VerificationCache cache;
    private final RateLimiter rateLimiter;
    private final UsageRecorder usage;
    private final EventPublisher publisher;
    private final Clock clock;
    private final MeterRegistry metrics;

    public KeyVerifier(
            Database database,
            ApiKeyStore store,
            VerificationCache cache,
            RateLimiter rateLimiter,
            UsageRecorder usage,
            EventPublisher publisher,
            Clock clock,
            MeterRegistry metrics) {
        this.metrics = metrics;
        this.database = database;
        this.store = store;
        this.cache = cache;
        this.rateLimiter = rateLimiter;
        this.usage = usage;
        this.publisher = publisher;
        this.clock = clock;
    }

    public Verification verify(Caller caller, VerifyRequest request, String userAgent) {
        Verification result = decide(caller, request);
        metrics.counter("openclaw.keys.verifications", "code", result.code().name())
                .increment();
        record(caller, request, userAgent, result);
        return result;
    }

    private Verification decide(Caller caller, VerifyRequest request) {
        String candidate = request.key();
        if (!ApiKeyFormat.isWellFormed(candidate)) {
            return Verification.of(VerifyCode.MALFORMED, null, "malformed");
        }
        byte[] hash = ApiKeyFormat.sha256(candidate);
        VerificationCache.CachedKey cached = lookup(hash);
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
        if (!cached.allowlist().allows(request.clientIp())) {
            return Verification.of(VerifyCode.IP_NOT_ALLOWED, key, "ip_not_allowed");
        }
        List<String> required = request.requiredScopes() == null ? List.of() : request.requiredScopes();
        if (!cached.scopes().containsAll(required)) {
            return Verification.of(VerifyCode.INSUFFICIENT_SCOPE, key, "insufficient_scope");
        }
        if (key.rateLimitRequests() != null) {
            RateLimiter.Decision decision =
                    rateLimiter.hit(key.id(), key.rateLimitRequests(), key.rateLimitWindowSeconds(), now);
            if (!decision.allowed()) {
                return new Verification(VerifyCode.RATE_LIMITED, key, "rate_limited", decision.retryAfterSeconds());
            }
        }
        return Verification.of(VerifyCode.VALID, key, null);
    }

    private VerificationCache.CachedKey lookup(byte[] hash) {
        VerificationCache.CachedKey cached = cache.get(hash);
        if (cached != null) {
            return cached;
        }
        long generation = cache.generation();
        ApiKey key =
                database.read(connection -> store.findByHash(connection, hash)).orElse(null);
        return cache.put(hash, key, generation);
    }

    private void record(Caller caller, VerifyRequest request, String userAgent, Verification result) {
        Instant now = clock.instant();
        ApiKey key = result.key();
        String ip = IpAllowlist.parseClient(request.clientIp()) == null ? null : request.clientIp();
        if (key != null) {
            CloudEvent.Builder used = CloudEvent.builder(EventType.KEY_USED)
                    .source(KeyEvents.SOURCE)
                    .time(now)
                    .accountId(key.accountId())
                    .actor(caller.subject())
                    .subject(key.id())
                    .outcome(result.valid() ? Outcome.SUCCESS : Outcome.FAILURE)
                    .reason(result.code().name())
                    .sourceIp(ip)
                    .userAgent(userAgent)
                    .partitionKey(key.id())
                    .data(EventFields.KEY_ID, key.id());
            String network = UsageRecorder.network(ip);
            if (network != null) {
                used.data(EventFields.NETWORK, network);
            }
            usage.record(used.build());
        }
        if (!result.valid()) {
            CloudEvent.Builder rejected = CloudEvent.builder(EventType.KEY_REJECTED)
                    .source(KeyEvents.SOURCE)
                    .time(now)
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
            publisher.sendQuietly(rejected.build());
        }
    }
}
