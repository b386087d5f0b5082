package io.openclaw.keys.rotation;

import static io.openclaw.keys.support.Database.at;
import static io.openclaw.keys.support.Database.instant;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventIds;
import io.openclaw.events.EventType;
import io.openclaw.events.delivery.AuditUnavailableException;
import io.openclaw.events.delivery.DeliveryTracker;
import io.openclaw.keys.apikey.ApiKey;
import io.openclaw.keys.apikey.ApiKeyFormat;
import io.openclaw.keys.apikey.ApiKeyStore;
import io.openclaw.keys.apikey.ApiKeys;
import io.openclaw.keys.apikey.KeyEvents;
import io.openclaw.keys.config.KeysConfig;
import io.openclaw.keys.outbox.AuditGate;
import io.openclaw.keys.outbox.Outbox;
import io.openclaw.keys.support.Database;
import io.openclaw.keys.support.Ids;
import io.openclaw.keys.verify.VerificationCache;
import io.openclaw.keys.web.Caller;
import io.openclaw.keys.web.Problem;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Key rotation, staged like AWS Secrets Manager: a successor is created ({@code pending}), promoted to
 * {@code current} while the old key becomes {@code previous} and keeps working until its grace ends, then
 * the previous key is retired. Every rotation is a row in {@code rotation_runs} advanced one step per
 * transaction; runs are claimed with {@code FOR UPDATE SKIP LOCKED}, so with several replicas each step
 * happens exactly once and a crash between steps resumes at the next step.
 */
@ApplicationScoped
public class KeyRotation {

    static final String STARTED = "started";
    static final String PENDING_CREATED = "pending_created";
    static final String PROMOTED = "promoted";
    static final String RETIRED = "retired";

    private final Database database;
    private final ApiKeyStore store;
    private final ApiKeys keys;
    private final Outbox outbox;
    private final VerificationCache cache;
    private final KeysConfig config;
    private final Clock clock;
    private final SuccessorSeal seal;
    private final AuditGate audit;
    private volatile boolean warnedUnsealed;

    public KeyRotation(
            Database database,
            ApiKeyStore store,
            ApiKeys keys,
            Outbox outbox,
            VerificationCache cache,
            KeysConfig config,
            Clock clock,
            SuccessorSeal seal,
            AuditGate audit) {
        this.audit = audit;
        this.seal = seal;
        this.database = database;
        this.store = store;
        this.keys = keys;
        this.outbox = outbox;
        this.cache = cache;
        this.config = config;
        this.clock = clock;
    }

    /** The successor (with its key, shown once) and the previous key in its grace. */
    public record Rotated(ApiKey successor, String secret, ApiKey previous) {}

    /** A rotation run as stored. */
    public record Run(
            String id,
            String keyId,
            String successorId,
            String step,
            String trigger,
            int graceSeconds,
            Instant graceUntil) {}

    /** {@code POST /v1/keys/{id}/rotate}: successor and promotion in one transaction. */
    public Rotated rotate(Caller caller, String id, Integer graceSeconds) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String eventId = EventIds.next();
        audit.checkReachable();
        DeliveryTracker.Expected expected = audit.expect(eventId);
        ApiKey[] original = new ApiKey[1];
        Rotated rotated;
        try {
            rotated = database.inTransaction(connection -> {
                ApiKey key = keys.lockVisible(connection, caller, id).orElseThrow(ApiKeys::notFound);
                if (!key.stage().equals(ApiKey.CURRENT)
                        || key.status().equals(ApiKey.REVOKED)
                        || key.status().equals(ApiKey.RETIRED)) {
                    throw Problem.conflict("key_not_rotatable", "only a current, unrevoked key can be rotated");
                }
                int grace = grace(key, graceSeconds);
                if (openRun(connection, key.id()).isPresent()) {
                    throw Problem.conflict("rotation_in_progress", "a rotation of this key is in progress");
                }
                original[0] = key;
                String secret = ApiKeyFormat.generate(key.environment());
                ApiKey successor = newSuccessor(key, secret, ApiKey.CURRENT, now);
                store.insert(connection, successor);
                ApiKey previous = promote(connection, key, successor, grace, caller.subject(), now, eventId);
                insertRun(
                        connection,
                        new Run(
                                Ids.rotation(),
                                key.id(),
                                successor.id(),
                                PROMOTED,
                                "manual",
                                grace,
                                previous.graceUntil()),
                        now);
                return new Rotated(successor, secret, previous);
            });
        } catch (RuntimeException e) {
            audit.forget(expected);
            throw e;
        }
        cache.invalidateKey(id);
        try {
            audit.await(expected);
        } catch (AuditUnavailableException e) {
            undoUnaudited(original[0], rotated.successor(), caller.subject());
            throw e;
        }
        return rotated;
    }

    /**
     * Fail-closed compensation of a manual rotation whose {@code key.rotated} was not acknowledged in time:
     * the successor (whose secret was never shown) is revoked, the old key is current again, and the run is
     * closed, each with its event, so the owner keeps a working key and nobody holds an unaudited one.
     */
    private void undoUnaudited(ApiKey original, ApiKey successor, String actor) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        database.inTransaction(connection -> {
            ApiKey stored = store.findById(connection, successor.id()).orElse(successor);
            keys.revokeLocked(connection, stored, KeyEvents.SYSTEM, "audit_unavailable", now, Map.of());
            try (PreparedStatement restore = connection.prepareStatement(
                    "UPDATE api_keys SET stage = 'current', grace_until = NULL, successor_id = NULL,"
                            + " next_rotation_at = ?, updated_at = ? WHERE id = ? AND successor_id = ?")) {
                restore.setObject(1, at(original.nextRotationAt()));
                restore.setObject(2, at(now));
                restore.setString(3, original.id());
                restore.setString(4, successor.id());
                restore.executeUpdate();
            }
            try (PreparedStatement close = connection.prepareStatement(
                    "UPDATE rotation_runs SET finished_at = ?, updated_at = ? WHERE key_id = ? AND successor_id = ?"
                            + " AND finished_at IS NULL")) {
                close.setObject(1, at(now));
                close.setObject(2, at(now));
                close.setString(3, original.id());
                close.setString(4, successor.id());
                close.executeUpdate();
            }
            ApiKey restored = store.findById(connection, original.id()).orElse(original);
            outbox.append(
                    connection,
                    KeyEvents.of(EventType.KEY_UPDATED, restored, KeyEvents.SYSTEM, now)
                            .reason("audit_unavailable")
                            .data("changed", List.of("stage"))
                            .build());
            return null;
        });
        cache.invalidateKey(original.id());
        cache.invalidateKey(successor.id());
        Log.warnf("rotation of %s undone: its event was not acknowledged in time", original.id());
    }

    /**
     * The successor key of a scheduled rotation, handed out once: the sealed copy is cleared by the same
     * {@code UPDATE … RETURNING} that reads it.
     */
    public String reveal(Caller caller, String id) {
        byte[] sealed = database.inTransaction(connection -> {
            ApiKey key = keys.lockVisible(connection, caller, id).orElseThrow(ApiKeys::notFound);
            try (PreparedStatement take = connection.prepareStatement("UPDATE api_keys k SET sealed_key = NULL"
                    + " FROM (SELECT id, sealed_key FROM api_keys WHERE id = ? AND sealed_key IS NOT NULL FOR UPDATE)"
                    + " sealed WHERE k.id = sealed.id RETURNING sealed.sealed_key")) {
                take.setString(1, key.id());
                try (ResultSet row = take.executeQuery()) {
                    if (!row.next()) {
                        throw Problem.notFound(
                                "nothing_to_reveal", "this key has no successor waiting to be collected");
                    }
                    return row.getBytes(1);
                }
            }
        });
        Log.infof("successor key %s collected by %s", id, caller.subject());
        return seal.open(id, sealed);
    }

    /** Opens a run for each key whose policy is due; returns how many were opened. */
    public int startDueRotations() {
        if (!seal.isConfigured()) {
            if (!warnedUnsealed) {
                warnedUnsealed = true;
                Log.warn("openclaw.keys.sealing-key is not set: scheduled rotations are not started, because"
                        + " their successor keys could not be delivered to the owners");
            }
            return 0;
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return database.inTransaction(connection -> {
            List<ApiKey> due = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement("SELECT " + ApiKeyStore.COLUMNS
                    + " FROM api_keys WHERE status = 'active' AND stage = 'current' AND next_rotation_at <= ?"
                    + " ORDER BY next_rotation_at LIMIT ? FOR UPDATE SKIP LOCKED")) {
                query.setObject(1, at(now));
                query.setInt(2, config.schedule().batchSize());
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        due.add(ApiKeyStore.map(rows));
                    }
                }
            }
            int opened = 0;
            for (ApiKey key : due) {
                try (PreparedStatement claim = connection.prepareStatement(
                        "UPDATE api_keys SET next_rotation_at = NULL, updated_at = ? WHERE id = ?")) {
                    claim.setObject(1, at(now));
                    claim.setString(2, key.id());
                    claim.executeUpdate();
                }
                if (openRun(connection, key.id()).isEmpty()) {
                    insertRun(
                            connection,
                            new Run(Ids.rotation(), key.id(), null, STARTED, "schedule", grace(key, null), null),
                            now);
                    opened++;
                }
            }
            return opened;
        });
    }

    /** Advances every run that has a step to take now, one step per transaction; returns the steps taken. */
    public int advanceRuns() {
        int steps = 0;
        while (advanceOne()) {
            steps++;
        }
        return steps;
    }

    /** Takes one step of one claimable run; false when there is none. */
    public boolean advanceOne() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        List<String> invalidate = new ArrayList<>();
        boolean advanced = database.inTransaction(connection -> {
            Optional<Run> claimed = claimRun(connection, now);
            if (claimed.isEmpty()) {
                return false;
            }
            Run run = claimed.get();
            ApiKey key = store.lockById(connection, run.keyId()).orElseThrow();
            switch (run.step()) {
                case STARTED -> createPending(connection, run, key, now);
                case PENDING_CREATED -> promotePending(connection, run, key, now);
                case PROMOTED -> retirePrevious(connection, run, key, now);
                default -> throw new IllegalStateException("run " + run.id() + " in unknown step " + run.step());
            }
            invalidate.add(key.id());
            return true;
        });
        invalidate.forEach(cache::invalidateKey);
        return advanced;
    }

    /** Step 1: the successor exists as {@code pending}. */
    private void createPending(Connection connection, Run run, ApiKey key, Instant now) throws SQLException {
        if (!key.status().equals(ApiKey.ACTIVE) || !key.stage().equals(ApiKey.CURRENT)) {
            finish(connection, run, now, "key no longer current and active");
            return;
        }
        String secret = ApiKeyFormat.generate(key.environment());
        ApiKey pending = newSuccessor(key, secret, ApiKey.PENDING, now);
        store.insert(connection, pending);
        try (PreparedStatement sealed =
                connection.prepareStatement("UPDATE api_keys SET sealed_key = ? WHERE id = ?")) {
            sealed.setBytes(1, seal.seal(pending.id(), secret));
            sealed.setString(2, pending.id());
            sealed.executeUpdate();
        }
        updateRun(connection, run.id(), PENDING_CREATED, pending.id(), null, now);
        Log.infof("rotation %s of %s: created pending successor %s", run.id(), key.id(), pending.id());
    }

    /** Step 2: the successor becomes current, the old key previous for its grace; {@code key.rotated}. */
    private void promotePending(Connection connection, Run run, ApiKey key, Instant now) throws SQLException {
        ApiKey pending = store.lockById(connection, run.successorId()).orElseThrow();
        if (key.status().equals(ApiKey.REVOKED) || key.status().equals(ApiKey.RETIRED)) {
            revokeAbandoned(connection, pending, now);
            finish(connection, run, now, "key revoked during rotation");
            return;
        }
        try (PreparedStatement current = connection.prepareStatement(
                "UPDATE api_keys SET stage = 'current', next_rotation_at = ?, updated_at = ? WHERE id = ?")) {
            current.setObject(1, at(pending.nextRotationAt()));
            current.setObject(2, at(now));
            current.setString(3, pending.id());
            current.executeUpdate();
        }
        ApiKey previous = promote(connection, key, pending, run.graceSeconds(), KeyEvents.SYSTEM, now, null);
        updateRun(connection, run.id(), PROMOTED, pending.id(), previous.graceUntil(), now);
        Log.infof("rotation %s of %s: %s is current", run.id(), key.id(), pending.id());
    }

    /** Step 3 (after the grace): the previous key is retired; {@code key.retired}. */
    private void retirePrevious(Connection connection, Run run, ApiKey key, Instant now) throws SQLException {
        if (!key.status().equals(ApiKey.REVOKED) && !key.status().equals(ApiKey.RETIRED)) {
            try (PreparedStatement retire = connection.prepareStatement(
                    "UPDATE api_keys SET status = 'retired', updated_at = ? WHERE id = ?")) {
                retire.setObject(1, at(now));
                retire.setString(2, key.id());
                retire.executeUpdate();
            }
            outbox.append(
                    connection,
                    KeyEvents.of(EventType.KEY_RETIRED, key, KeyEvents.SYSTEM, now)
                            .reason("grace_ended")
                            .data("successor_id", run.successorId())
                            .build());
        }
        updateRun(connection, run.id(), RETIRED, run.successorId(), run.graceUntil(), now);
        finish(connection, run, now, null);
    }

    private ApiKey promote(
            Connection connection, ApiKey key, ApiKey successor, int grace, String actor, Instant now, String eventId)
            throws SQLException {
        Instant graceUntil = now.plusSeconds(grace);
        try (PreparedStatement previous = connection.prepareStatement(
                "UPDATE api_keys SET stage = 'previous', grace_until = ?, successor_id = ?, next_rotation_at = NULL,"
                        + " updated_at = ? WHERE id = ?")) {
            previous.setObject(1, at(graceUntil));
            previous.setString(2, successor.id());
            previous.setObject(3, at(now));
            previous.setString(4, key.id());
            previous.executeUpdate();
        }
        CloudEvent.Builder rotated = KeyEvents.of(EventType.KEY_ROTATED, key, actor, now);
        if (eventId != null) {
            rotated.id(eventId);
        }
        outbox.append(
                connection,
                rotated.data("successor_id", successor.id())
                        .data("grace_until", graceUntil.toString())
                        .build());
        return store.findById(connection, key.id()).orElseThrow();
    }

    private void revokeAbandoned(Connection connection, ApiKey pending, Instant now) throws SQLException {
        try (PreparedStatement revoke = connection.prepareStatement(
                "UPDATE api_keys SET status = 'revoked', revoked_at = ?, updated_at = ? WHERE id = ?")) {
            revoke.setObject(1, at(now));
            revoke.setObject(2, at(now));
            revoke.setString(3, pending.id());
            revoke.executeUpdate();
        }
    }

    private static ApiKey newSuccessor(ApiKey key, String secret, String stage, Instant now) {
        return key.successor(Ids.key(), ApiKeyFormat.sha256(secret), ApiKeyFormat.displayPrefix(secret), stage, now);
    }

    private int grace(ApiKey key, Integer requested) {
        int grace = requested != null
                ? requested
                : key.rotationGraceSeconds() != null
                        ? key.rotationGraceSeconds()
                        : config.schedule().defaultGraceSeconds();
        if (grace < 0 || grace > 30 * 86_400) {
            throw Problem.badRequest("invalid_grace", "grace_seconds is between 0 and 2592000");
        }
        return grace;
    }

    private static Optional<Run> claimRun(Connection connection, Instant now) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT id, key_id, successor_id, step, trigger, grace_seconds, grace_until FROM rotation_runs"
                        + " WHERE finished_at IS NULL AND (step IN ('started', 'pending_created')"
                        + " OR (step = 'promoted' AND grace_until <= ?))"
                        + " ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED")) {
            query.setObject(1, at(now));
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.of(run(row)) : Optional.empty();
            }
        }
    }

    static Optional<Run> openRun(Connection connection, String keyId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT id, key_id, successor_id, step, trigger, grace_seconds, grace_until FROM rotation_runs"
                        + " WHERE key_id = ? AND finished_at IS NULL")) {
            query.setString(1, keyId);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.of(run(row)) : Optional.empty();
            }
        }
    }

    private static void insertRun(Connection connection, Run run, Instant now) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO rotation_runs (id, key_id, successor_id, step, trigger, grace_seconds, grace_until,"
                        + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, run.id());
            insert.setString(2, run.keyId());
            insert.setString(3, run.successorId());
            insert.setString(4, run.step());
            insert.setString(5, run.trigger());
            insert.setInt(6, run.graceSeconds());
            insert.setObject(7, at(run.graceUntil()));
            insert.setObject(8, at(now));
            insert.setObject(9, at(now));
            insert.executeUpdate();
        }
    }

    private static void updateRun(
            Connection connection, String id, String step, String successorId, Instant graceUntil, Instant now)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE rotation_runs SET step = ?, successor_id = ?, grace_until = ?, updated_at = ? WHERE id = ?")) {
            update.setString(1, step);
            update.setString(2, successorId);
            update.setObject(3, at(graceUntil));
            update.setObject(4, at(now));
            update.setString(5, id);
            update.executeUpdate();
        }
    }

    private static void finish(Connection connection, Run run, Instant now, String why) throws SQLException {
        try (PreparedStatement update =
                connection.prepareStatement("UPDATE rotation_runs SET finished_at = ?, updated_at = ? WHERE id = ?")) {
            update.setObject(1, at(now));
            update.setObject(2, at(now));
            update.setString(3, run.id());
            update.executeUpdate();
        }
        if (why != null) {
            Log.infof("rotation %s of %s ended early: %s", run.id(), run.keyId(), why);
        }
    }

    private static Run run(ResultSet row) throws SQLException {
        return new Run(
                row.getString("id"),
                row.getString("key_id"),
                row.getString("successor_id"),
                row.getString("step"),
                row.getString("trigger"),
                row.getInt("grace_seconds"),
                instant(row, "grace_until"));
    }
}
