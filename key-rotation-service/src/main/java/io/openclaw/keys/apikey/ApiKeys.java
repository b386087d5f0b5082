package io.openclaw.keys.apikey;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.DisplayText;
import io.openclaw.events.EventType;
import io.openclaw.events.Outcome;
import io.openclaw.events.delivery.AuditUnavailableException;
import io.openclaw.events.delivery.DeliveryTracker;
import io.openclaw.keys.account.Accounts;
import io.openclaw.keys.config.KeysConfig;
import io.openclaw.keys.outbox.AuditGate;
import io.openclaw.keys.outbox.Outbox;
import io.openclaw.keys.support.Database;
import io.openclaw.keys.support.Ids;
import io.openclaw.keys.verify.IpAllowlist;
import io.openclaw.keys.verify.VerificationCache;
import io.openclaw.keys.web.Caller;
import io.openclaw.keys.web.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The key management use cases: create, read, change, revoke. Each change commits with its event. */
@ApplicationScoped
public class ApiKeys {

    private static final int MAX_METADATA_CHARS = 4096;
    /** PostgreSQL's timestamptz ends at 294276; expiries are kept to four-digit years. */
    private static final Instant MAX_EXPIRY = Instant.parse("9999-12-31T23:59:59.999999Z");

    private final Database database;
    private final ApiKeyStore store;
    private final Accounts accounts;
    private final Outbox outbox;
    private final VerificationCache cache;
    private final KeysConfig config;
    private final Clock clock;
    private final AuditGate audit;

    public ApiKeys(
            Database database,
            ApiKeyStore store,
            Accounts accounts,
            Outbox outbox,
            VerificationCache cache,
            KeysConfig config,
            Clock clock,
            AuditGate audit) {
        this.audit = audit;
        this.database = database;
        this.store = store;
        this.accounts = accounts;
        this.outbox = outbox;
        this.cache = cache;
        this.config = config;
        this.clock = clock;
    }

    /** A created key and the key itself, to be shown once. */
    public record Created(ApiKey key, String secret) {}

    public Created create(Caller caller, KeyRequests.Create request) {
        if (request == null) {
            throw Problem.badRequest("invalid_body", "a JSON body is required");
        }
        String accountId = caller.actingAccount(request.accountId());
        String name = checkName(request.name());
        List<String> scopes = ScopeRules.checkGrantable(caller, request.scopes());
        Environment environment = environment(request.environment());
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant expiresAt = checkExpiry(request.expiresAt(), now);
        List<String> cidrs = IpAllowlist.normalize(request.allowedCidrs());
        KeyRequests.RateLimit limit = checkRateLimit(request.rateLimit());
        KeyRequests.RotationPolicy policy = checkPolicy(request.rotationPolicy());
        Map<String, Object> metadata = checkMetadata(request.metadata());

        String secret = ApiKeyFormat.generate(environment);
        ApiKey key = new ApiKey(
                Ids.key(),
                accountId,
                name,
                ApiKeyFormat.sha256(secret),
                ApiKeyFormat.displayPrefix(secret),
                environment,
                scopes,
                cidrs,
                limit == null ? null : limit.requests(),
                limit == null ? null : limit.windowSeconds(),
                policy == null ? null : policy.everyDays(),
                policy == null ? null : policy.graceSeconds(),
                metadata,
                ApiKey.ACTIVE,
                ApiKey.CURRENT,
                expiresAt,
                null,
                null,
                null,
                policy == null ? null : now.plus(Duration.ofDays(policy.everyDays())),
                now,
                now,
                null);
        CloudEvent created =
                KeyEvents.of(EventType.KEY_CREATED, key, caller.subject(), now).build();
        audit.checkReachable();
        DeliveryTracker.Expected expected = audit.expect(created.id());
        try {
            database.inTransaction(connection -> {
                if (accounts.find(connection, accountId).isEmpty()) {
                    throw Problem.notFound("account_not_found", "no such account");
                }
                store.insert(connection, key);
                outbox.append(connection, created);
                return key;
            });
        } catch (RuntimeException e) {
            audit.forget(expected);
            throw e;
        }
        try {
            audit.await(expected);
        } catch (AuditUnavailableException e) {
            revokeUnaudited(key);
            throw e;
        }
        return new Created(key, secret);
    }

    /**
     * Fail-closed compensation: a key whose {@code key.created} was not acknowledged in time is revoked at
     * once (with its own {@code key.revoked}), so it is never usable, even though its secret was never shown.
     */
    private void revokeUnaudited(ApiKey key) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        database.inTransaction(connection -> {
            ApiKey current = store.findById(connection, key.id()).orElse(key);
            return revokeLocked(connection, current, KeyEvents.SYSTEM, "audit_unavailable", now, Map.of());
        });
        cache.invalidateKey(key.id());
    }

    public ApiKey get(Caller caller, String id) {
        return database.read(connection -> find(connection, caller, id)).orElseThrow(ApiKeys::notFound);
    }

    public List<ApiKey> list(Caller caller, String accountId, String after, int limit) {
        String account = caller.actingAccount(accountId);
        return database.read(connection -> store.list(connection, account, after, limit));
    }

    public ApiKey update(Caller caller, String id, KeyRequests.Update request) {
        if (request == null) {
            throw Problem.badRequest("invalid_body", "a JSON body is required");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        ApiKey updated = database.inTransaction(connection -> {
            ApiKey key = lock(connection, caller, id).orElseThrow(ApiKeys::notFound);
            if (key.status().equals(ApiKey.REVOKED) || key.status().equals(ApiKey.RETIRED)) {
                throw Problem.conflict("key_revoked", "a revoked or retired key cannot be changed");
            }
            List<String> changed = new ArrayList<>();
            String name = key.name();
            if (request.name() != null) {
                name = checkName(request.name());
                changed.add("name");
            }
            List<String> scopes = key.scopes();
            if (request.scopes() != null) {
                scopes = ScopeRules.checkGrantable(caller, request.scopes());
                changed.add("scopes");
            }
            Instant expiresAt = key.expiresAt();
            if (request.expiresAt() != null) {
                expiresAt = checkExpiry(request.expiresAt(), now);
                changed.add("expires_at");
            }
            List<String> cidrs = key.allowedCidrs();
            if (request.allowedCidrs() != null) {
                cidrs = IpAllowlist.normalize(request.allowedCidrs());
                changed.add("allowed_cidrs");
            }
            Integer requests = key.rateLimitRequests();
            Integer window = key.rateLimitWindowSeconds();
            if (request.rateLimit() != null) {
                KeyRequests.RateLimit limit = checkRateLimit(request.rateLimit());
                requests = limit.requests();
                window = limit.windowSeconds();
                changed.add("rate_limit");
            }
            Integer everyDays = key.rotationEveryDays();
            Integer grace = key.rotationGraceSeconds();
            Instant nextRotation = key.nextRotationAt();
            if (request.rotationPolicy() != null) {
                KeyRequests.RotationPolicy policy = checkPolicy(request.rotationPolicy());
                everyDays = policy.everyDays();
                grace = policy.graceSeconds();
                nextRotation = key.stage().equals(ApiKey.CURRENT)
                        ? laterOf(now, key.createdAt().plus(Duration.ofDays(everyDays)))
                        : null;
                changed.add("rotation_policy");
            }
            Map<String, Object> metadata = key.metadata();
            if (request.metadata() != null) {
                metadata = checkMetadata(request.metadata());
                changed.add("metadata");
            }
            String status = key.status();
            String wanted = wantedStatus(request);
            if (wanted != null && !wanted.equals(status)) {
                status = wanted;
                changed.add("status");
            }
            ApiKey next = new ApiKey(
                    key.id(),
                    key.accountId(),
                    name,
                    key.keyHash(),
                    key.displayPrefix(),
                    key.environment(),
                    scopes,
                    cidrs,
                    requests,
                    window,
                    everyDays,
                    grace,
                    metadata,
                    status,
                    key.stage(),
                    expiresAt,
                    key.graceUntil(),
                    key.rotatedFrom(),
                    key.successorId(),
                    nextRotation,
                    key.createdAt(),
                    changed.isEmpty() ? key.updatedAt() : now,
                    key.revokedAt());
            if (!changed.isEmpty()) {
                store.update(connection, next);
                outbox.append(
                        connection,
                        KeyEvents.of(EventType.KEY_UPDATED, next, caller.subject(), now)
                                .data("changed", changed)
                                .data("status", status)
                                .build());
            }
            return next;
        });
        cache.invalidateKey(id);
        return updated;
    }

    /** Revokes a key at once; revoking a revoked key changes nothing. */
    public void revoke(Caller caller, String id) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        database.inTransaction(connection -> {
            ApiKey key = lock(connection, caller, id).orElseThrow(ApiKeys::notFound);
            return revokeLocked(connection, key, caller.subject(), "revoked_by_owner", now, Map.of());
        });
        cache.invalidateKey(id);
    }

    /**
     * Revokes a key already locked in this transaction and appends {@code key.revoked}; false when it was
     * already revoked or retired.
     */
    public boolean revokeLocked(
            Connection connection, ApiKey key, String actor, String reason, Instant now, Map<String, Object> extra)
            throws SQLException {
        if (key.status().equals(ApiKey.REVOKED) || key.status().equals(ApiKey.RETIRED)) {
            return false;
        }
        ApiKey revoked = withStatus(key, ApiKey.REVOKED, now, now);
        store.update(connection, revoked);
        outbox.append(
                connection,
                KeyEvents.of(EventType.KEY_REVOKED, revoked, actor, now)
                        .reason(reason)
                        .data(extra)
                        .build());
        return true;
    }

    /** Suspends (disables) a locked key and appends {@code key.suspended}; false when not active. */
    public boolean suspendLocked(
            Connection connection, ApiKey key, String actor, String reason, Instant now, Map<String, Object> extra)
            throws SQLException {
        if (!key.status().equals(ApiKey.ACTIVE)) {
            return false;
        }
        ApiKey suspended = withStatus(key, ApiKey.DISABLED, now, key.revokedAt());
        store.update(connection, suspended);
        outbox.append(
                connection,
                KeyEvents.of(EventType.KEY_SUSPENDED, suspended, actor, now)
                        .outcome(Outcome.SUCCESS)
                        .reason(reason)
                        .data(extra)
                        .build());
        return true;
    }

    private Optional<ApiKey> find(Connection connection, Caller caller, String id) throws SQLException {
        if (!Ids.isKeyId(id)) {
            return Optional.empty();
        }
        if (caller.isPlatformAdmin()) {
            return store.findById(connection, id);
        }
        return store.find(connection, caller.actingAccount(null), id);
    }

    private Optional<ApiKey> lock(Connection connection, Caller caller, String id) throws SQLException {
        if (!Ids.isKeyId(id)) {
            return Optional.empty();
        }
        if (caller.isPlatformAdmin()) {
            return store.lockById(connection, id);
        }
        return store.lock(connection, caller.actingAccount(null), id);
    }

    /** The key visible to the caller, locked for this transaction (for rotation). */
    public Optional<ApiKey> lockVisible(Connection connection, Caller caller, String id) throws SQLException {
        return lock(connection, caller, id);
    }

    static ApiKey withStatus(ApiKey key, String status, Instant now, Instant revokedAt) {
        return new ApiKey(
                key.id(),
                key.accountId(),
                key.name(),
                key.keyHash(),
                key.displayPrefix(),
                key.environment(),
                key.scopes(),
                key.allowedCidrs(),
                key.rateLimitRequests(),
                key.rateLimitWindowSeconds(),
                key.rotationEveryDays(),
                key.rotationGraceSeconds(),
                key.metadata(),
                status,
                key.stage(),
                key.expiresAt(),
                key.graceUntil(),
                key.rotatedFrom(),
                key.successorId(),
                key.nextRotationAt(),
                key.createdAt(),
                now,
                revokedAt);
    }

    public static Problem notFound() {
        return Problem.notFound("key_not_found", "no such key");
    }

    private static Instant laterOf(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static String wantedStatus(KeyRequests.Update request) {
        if (request.status() != null) {
            if (!request.status().equals(ApiKey.ACTIVE) && !request.status().equals(ApiKey.DISABLED)) {
                throw Problem.badRequest("invalid_status", "status is 'active' or 'disabled'");
            }
            if (request.enabled() != null
                    && request.enabled() != request.status().equals(ApiKey.ACTIVE)) {
                throw Problem.badRequest("invalid_status", "status and enabled contradict each other");
            }
            return request.status();
        }
        if (request.enabled() != null) {
            return request.enabled() ? ApiKey.ACTIVE : ApiKey.DISABLED;
        }
        return null;
    }

    private static String checkName(String name) {
        String stripped = name == null ? "" : name.strip();
        if (stripped.isEmpty() || stripped.length() > 200) {
            throw Problem.badRequest("invalid_name", "name is required (1 to 200 characters)");
        }
        if (!DisplayText.isName(stripped)) {
            throw Problem.badRequest(
                    "invalid_name", "name must contain printable characters only (no control or format characters)");
        }
        return stripped;
    }

    /** A future expiry PostgreSQL can store and people can read: not after the year 9999. */
    private static Instant checkExpiry(Instant requested, Instant now) {
        if (requested == null) {
            return null;
        }
        Instant expiresAt = requested.truncatedTo(ChronoUnit.MICROS);
        if (!expiresAt.isAfter(now)) {
            throw Problem.badRequest("invalid_expiry", "expires_at must be in the future");
        }
        if (expiresAt.isAfter(MAX_EXPIRY)) {
            throw Problem.badRequest("invalid_expiry", "expires_at must not be after 9999-12-31T23:59:59Z");
        }
        return expiresAt;
    }

    private static Environment environment(String value) {
        if (value == null) {
            return Environment.LIVE;
        }
        return switch (value) {
            case "live" -> Environment.LIVE;
            case "test" -> Environment.TEST;
            default -> throw Problem.badRequest("invalid_environment", "environment is 'live' or 'test'");
        };
    }

    private static KeyRequests.RateLimit checkRateLimit(KeyRequests.RateLimit limit) {
        if (limit == null) {
            return null;
        }
        int window = limit.windowSeconds() == null ? 60 : limit.windowSeconds();
        if (limit.requests() == null || limit.requests() < 1 || limit.requests() > 1_000_000) {
            throw Problem.badRequest("invalid_rate_limit", "rate_limit.requests is between 1 and 1000000");
        }
        if (window < 1 || window > 86_400) {
            throw Problem.badRequest("invalid_rate_limit", "rate_limit.window_seconds is between 1 and 86400");
        }
        return new KeyRequests.RateLimit(limit.requests(), window);
    }

    private KeyRequests.RotationPolicy checkPolicy(KeyRequests.RotationPolicy policy) {
        if (policy == null) {
            return null;
        }
        if (policy.everyDays() == null || policy.everyDays() < 1 || policy.everyDays() > 3650) {
            throw Problem.badRequest("invalid_rotation_policy", "rotation_policy.every_days is between 1 and 3650");
        }
        int grace = policy.graceSeconds() == null ? config.schedule().defaultGraceSeconds() : policy.graceSeconds();
        if (grace < 0 || grace > 30 * 86_400) {
            throw Problem.badRequest(
                    "invalid_rotation_policy", "rotation_policy.grace_seconds is between 0 and 2592000");
        }
        return new KeyRequests.RotationPolicy(policy.everyDays(), grace);
    }

    private static Map<String, Object> checkMetadata(Map<String, Object> metadata) {
        if (metadata == null) {
            return Map.of();
        }
        if (metadata.size() > 50 || metadata.toString().length() > MAX_METADATA_CHARS) {
            throw Problem.badRequest("invalid_metadata", "metadata holds at most 50 entries and 4 KiB");
        }
        checkMetadataText(metadata);
        return metadata;
    }

    /**
     * Metadata is echoed in answers and stored as jsonb (which cannot hold NUL): keys follow the name rule,
     * string values anywhere in it must be printable (no control, line separator or bidi characters).
     */
    private static void checkMetadataText(Object value) {
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String key) || !DisplayText.isName(key)) {
                    throw Problem.badRequest(
                            "invalid_metadata",
                            "metadata keys must contain printable characters only (no control or format characters)");
                }
                checkMetadataText(entry.getValue());
            }
        } else if (value instanceof List<?> list) {
            list.forEach(ApiKeys::checkMetadataText);
        } else if (value instanceof String text && !DisplayText.isPrintable(text)) {
            throw Problem.badRequest(
                    "invalid_metadata",
                    "metadata values must contain printable characters only (no control or bidi characters)");
        }
    }
}
