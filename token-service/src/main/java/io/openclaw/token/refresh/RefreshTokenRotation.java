package io.openclaw.token.refresh;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventFields;
import io.openclaw.events.EventIds;
import io.openclaw.events.EventType;
import io.openclaw.events.MetricNames;
import io.openclaw.events.Outcome;
import io.openclaw.events.delivery.AuditUnavailableException;
import io.openclaw.events.delivery.DeliveryTracker.Expected;
import io.openclaw.token.access.AccessTokenMinter;
import io.openclaw.token.access.AccessTokenMinter.MintedToken;
import io.openclaw.token.audit.FailClosedAudit;
import io.openclaw.token.config.TokenConfig;
import io.openclaw.token.device.DeviceRevocation;
import io.openclaw.token.events.TokenEvents;
import io.openclaw.token.grant.ClientContext;
import io.openclaw.token.grant.OAuthException;
import io.openclaw.token.grant.TokenResponse;
import io.openclaw.token.outbox.Outbox;
import io.openclaw.token.signing.KeyEncryption;
import io.openclaw.token.store.Database;
import io.openclaw.token.store.GroupCommit;
import io.openclaw.token.store.Sql;
import io.openclaw.token.store.StoreUnavailableException;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * The {@code refresh_token} grant: every use rotates the token. The rotation is one conditional UPDATE
 * ({@code WHERE state = 'active'}), so of N concurrent uses exactly one wins; a rotated token presented
 * again is reuse and revokes the whole family and its device's access tokens, unless it comes within the
 * reuse grace, which answers with the same successor and never a new one.
 */
@ApplicationScoped
public class RefreshTokenRotation {

    public static final String GRANT_TYPE = "refresh_token";

    private final Database database;
    private final Outbox outbox;
    private final AccessTokenMinter minter;
    private final DeviceRevocation revocation;
    private final KeyEncryption encryption;
    private final FailClosedAudit audit;
    private final TokenConfig config;
    private final Clock clock;
    private final Counter reuseDetected;
    private final GroupCommit<Rotation, Database.Outcome<Family>> rotations;

    public RefreshTokenRotation(
            Database database,
            Outbox outbox,
            AccessTokenMinter minter,
            DeviceRevocation revocation,
            KeyEncryption encryption,
            FailClosedAudit audit,
            TokenConfig config,
            Clock clock,
            MeterRegistry meters) {
        this.database = database;
        this.outbox = outbox;
        this.minter = minter;
        this.revocation = revocation;
        this.encryption = encryption;
        this.audit = audit;
        this.config = config;
        this.clock = clock;
        this.reuseDetected = meters.counter(MetricNames.REFRESH_REUSE_DETECTED);
        this.rotations = new GroupCommit<>(
                WRITERS, MAX_BATCH, batch -> database.inOneStatement(batch, RefreshTokenRotation::rotate));
    }

    /** Rotation batches written at once, each on its own connection. */
    private static final int WRITERS = 2;

    private static final int MAX_BATCH = 64;

    private sealed interface Result permits Rotated, Refused {}

    /** Tokens to hand out; {@code presentedHash}/{@code successorHash} name the rotation they came from. */
    private record Rotated(TokenResponse response, List<Expected> expected, byte[] presentedHash, byte[] successorHash)
            implements Result {}

    private record Refused(OAuthException error, DeviceRevocation.Revoked revoked, boolean reuse) implements Result {}

    private record Family(String familyId, String deviceId, String accountId, List<String> scopes, int generation) {}

    /**
     * One rotation as the statement binds it, everything computed by the caller: the writer of its batch only
     * binds and runs it. {@code requested} is null when the request asked for no scope.
     */
    private record Rotation(
            byte[] hash,
            byte[] successorHash,
            byte[] successorEnc,
            List<String> requested,
            Instant now,
            Instant idleCutoff,
            CloudEvent template) {}

    /** Stands in the event template for the fields the rotating statement fills in from the family. */
    private static final String FROM_FAMILY = "(from the family)";

    private static final String GENERATION = "generation";

    /**
     * One statement is the whole rotation of every token in a batch: the conditional UPDATE claims the
     * presented tokens (the single-use decision), the successors are inserted, the families' last use moves
     * and each {@code token.refreshed} event goes into the outbox, completed with its family's identities by
     * the statement itself. Concurrent rotations share the statement ({@link Database#inOneStatement}), one
     * round trip and one COMMIT; of two rotations of one token in it, one claims the token and the other
     * finds no row, as when they run apart. The access tokens' jti, key and expiry are drafted before and
     * they are signed after the commit, so a rotation holds its locks for no signature. No row for an item:
     * its token is not usable (unknown, rotated, revoked, expired, or asked for scopes outside its grant)
     * and {@link #refuse} says why. Requested scopes travel space-separated (a scope never holds a space);
     * null when the request named none.
     */
    private static final String ROTATE = "WITH input AS (SELECT item, hash, successor_hash, successor_enc,"
            + " at::timestamptz AS at, idle_cutoff::timestamptz AS idle_cutoff,"
            + " string_to_array(requested, ' ') AS requested, event_id, ce_time, traceparent, data"
            + " FROM unnest(?::bytea[], ?::bytea[], ?::bytea[], ?::text[], ?::text[], ?::text[], "
            + Outbox.DRAFTS
            + ") WITH ORDINALITY AS i(hash, successor_hash, successor_enc, at, idle_cutoff, requested, event_id,"
            + " ce_time, traceparent, data, item)),"
            + " claimed AS (UPDATE refresh_token t SET state = 'rotated', rotated_at = i.at,"
            + " successor_hash = i.successor_hash, successor_enc = i.successor_enc"
            + " FROM input i, refresh_family f"
            + " WHERE t.token_hash = i.hash AND t.state = 'active' AND f.id = t.family_id AND f.state = 'active'"
            + " AND f.absolute_expires_at > i.at AND f.last_used_at > i.idle_cutoff"
            + " AND f.scopes @> COALESCE(i.requested, '{}')"
            + " RETURNING i.item, i.successor_hash, i.at, i.event_id, i.ce_time, i.traceparent, i.data,"
            + " f.id, f.device_id, f.account_id, f.scopes, t.generation, COALESCE(i.requested, f.scopes) AS granted),"
            + " successor AS (INSERT INTO refresh_token (token_hash, family_id, generation, state, created_at)"
            + " SELECT successor_hash, id, generation + 1, 'active', at FROM claimed),"
            + " touched AS (UPDATE refresh_family f SET last_used_at = c.at FROM claimed c WHERE f.id = c.id),"
            + " recorded AS ("
            + Outbox.insertCompleted(
                    "claimed",
                    "id",
                    "account_id",
                    "jsonb_build_object('" + EventFields.ACCOUNT_ID + "', account_id, '" + EventFields.ACTOR
                            + "', device_id, '" + EventFields.SUBJECT + "', id, '" + EventFields.FAMILY_ID
                            + "', id, '" + EventFields.DEVICE_ID + "', device_id, '" + EventFields.SCOPES
                            + "', to_jsonb(granted), '" + GENERATION + "', generation + 1)")
            + ") SELECT item, id, device_id, account_id, scopes, generation FROM claimed";

    public TokenResponse refresh(String refreshToken, List<String> requestedScopes, ClientContext context) {
        if (!RefreshTokens.isWellFormed(refreshToken)) {
            throw OAuthException.invalidGrant("refresh token is invalid", "malformed_refresh_token");
        }
        audit.checkReachable();
        byte[] hash = RefreshTokens.hash(refreshToken);
        List<String> requested = requestedScopes == null || requestedScopes.isEmpty()
                ? null
                : AccessTokenMinter.distinct(requestedScopes);
        String eventId = EventIds.next();
        List<Expected> expected = audit.expect(eventId);
        Result result;
        try {
            String successor = RefreshTokens.generate();
            byte[] successorHash = RefreshTokens.hash(successor);
            AccessTokenMinter.Draft draft = minter.draft();
            Instant now = clock.instant();
            Family family = rotations
                    .submit(rotation(hash, successor, successorHash, requested, draft, now, context, eventId))
                    .get();
            if (family != null) {
                List<String> scopes = requested != null ? requested : family.scopes();
                MintedToken access = minter.sign(
                        draft,
                        new AccessTokenMinter.Request(
                                family.deviceId(), family.accountId(), family.deviceId(), scopes));
                result = new Rotated(response(access, successor, family), expected, hash, successorHash);
            } else {
                result = database.inTransaction(
                        connection -> refuse(connection, hash, requested, clock.instant(), context, eventId, expected));
            }
        } catch (RuntimeException e) {
            audit.forget(expected);
            throw e;
        }
        outbox.wake();
        if (result instanceof Refused refused) {
            audit.forget(expected);
            if (refused.reuse()) {
                reuseDetected.increment();
            }
            revocation.denylist(refused.revoked());
            throw refused.error();
        }
        Rotated rotated = (Rotated) result;
        try {
            audit.await(rotated.expected());
        } catch (AuditUnavailableException e) {
            markUndelivered(rotated);
            throw e;
        }
        return rotated.response();
    }

    /** The rotation's statement parameters, the successor encrypted and the event drafted. */
    private Rotation rotation(
            byte[] hash,
            String successor,
            byte[] successorHash,
            List<String> requested,
            AccessTokenMinter.Draft draft,
            Instant now,
            ClientContext context,
            String eventId) {
        boolean keepSuccessor = !config.refreshReuseGrace().isZero() || audit.enabled();
        CloudEvent template = refreshed(now, context, null, eventId, draft.jti(), draft.kid(), draft.expiresAt())
                .actor(FROM_FAMILY)
                .subject(FROM_FAMILY)
                .build();
        return new Rotation(
                hash,
                successorHash,
                keepSuccessor ? encryption.encrypt(successor.getBytes(StandardCharsets.US_ASCII), aad(hash)) : null,
                requested,
                now,
                now.minus(config.refreshIdleLifetime()),
                template);
    }

    /**
     * Rotates the presented tokens that are usable and records their events; per rotation, in the batch's
     * order, the family it was claimed in, or null.
     */
    private static List<Family> rotate(Connection connection, List<Rotation> batch) throws SQLException {
        int size = batch.size();
        byte[][] hashes = new byte[size][];
        byte[][] successorHashes = new byte[size][];
        byte[][] successorEncs = new byte[size][];
        String[] at = new String[size];
        String[] idleCutoffs = new String[size];
        String[] requested = new String[size];
        List<CloudEvent> drafts = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            Rotation rotation = batch.get(i);
            hashes[i] = rotation.hash();
            successorHashes[i] = rotation.successorHash();
            successorEncs[i] = rotation.successorEnc();
            at[i] = rotation.now().toString();
            idleCutoffs[i] = rotation.idleCutoff().toString();
            requested[i] = rotation.requested() == null ? null : String.join(" ", rotation.requested());
            drafts.add(rotation.template());
        }
        try (PreparedStatement update = connection.prepareStatement(ROTATE)) {
            update.setArray(1, connection.createArrayOf("bytea", hashes));
            update.setArray(2, connection.createArrayOf("bytea", successorHashes));
            update.setArray(3, connection.createArrayOf("bytea", successorEncs));
            update.setArray(4, connection.createArrayOf("text", at));
            update.setArray(5, connection.createArrayOf("text", idleCutoffs));
            update.setArray(6, connection.createArrayOf("text", requested));
            int next = Outbox.bindDrafts(connection, update, 7, drafts);
            Outbox.bindCompleted(update, next, drafts.get(0));
            List<Family> families = new ArrayList<>(Collections.nCopies(size, null));
            ResultSet rows = update.executeQuery();
            while (rows.next()) {
                families.set(
                        // WITH ORDINALITY counts from 1
                        (int) rows.getLong(1) - 1,
                        new Family(
                                rows.getString(2),
                                rows.getString(3),
                                rows.getString(4),
                                Sql.strings(rows.getArray(5)),
                                rows.getInt(6)));
            }
            return families;
        }
    }

    private Result refuse(
            Connection connection,
            byte[] hash,
            List<String> requestedScopes,
            Instant now,
            ClientContext context,
            String eventId,
            List<Expected> expected)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT t.state, t.generation, t.rotated_at, t.successor_hash, t.successor_enc,"
                        + " f.id, f.device_id, f.account_id, f.scopes, f.state, t.undelivered, s.state,"
                        + " f.absolute_expires_at > ? AND f.last_used_at > ?"
                        + " FROM refresh_token t JOIN refresh_family f ON f.id = t.family_id"
                        + " LEFT JOIN refresh_token s ON s.token_hash = t.successor_hash"
                        + " WHERE t.token_hash = ? FOR UPDATE OF f")) {
            select.setTimestamp(1, Sql.ts(now));
            select.setTimestamp(2, Sql.ts(now.minus(config.refreshIdleLifetime())));
            select.setBytes(3, hash);
            ResultSet row = select.executeQuery();
            if (!row.next()) {
                rejected(connection, null, "unknown", "unknown_refresh_token", now, context);
                return new Refused(
                        OAuthException.invalidGrant("refresh token is invalid", "unknown_refresh_token"), null, false);
            }
            Family family = new Family(
                    row.getString(6), row.getString(7), row.getString(8), Sql.strings(row.getArray(9)), row.getInt(2));
            if (!"active".equals(row.getString(10))) {
                rejected(connection, family.accountId(), family.deviceId(), "family_revoked", now, context);
                return new Refused(
                        OAuthException.invalidGrant("refresh token is revoked", "family_revoked"), null, false);
            }
            if ("active".equals(row.getString(1))) {
                boolean withinLifetime = row.getBoolean(13);
                if (withinLifetime && grantedScopes(family.scopes(), requestedScopes) == null) {
                    return new Refused(
                            OAuthException.invalidScope("requested scope exceeds the original grant"), null, false);
                }
                DeviceRevocation.Revoked revoked = revocation.revokeInTransaction(
                        connection, family.deviceId(), null, family.deviceId(), "refresh_token_expired", context);
                return new Refused(
                        OAuthException.invalidGrant("refresh token is expired", "refresh_token_expired"),
                        revoked,
                        false);
            }
            Instant rotatedAt = Sql.instant(row.getTimestamp(3));
            byte[] successorHash = row.getBytes(4);
            byte[] successorEnc = row.getBytes(5);
            boolean undelivered = row.getBoolean(11);
            boolean successorUnused = "active".equals(row.getString(12));
            boolean withinGrace =
                    !config.refreshReuseGrace().isZero() && now.isBefore(rotatedAt.plus(config.refreshReuseGrace()));
            if (successorEnc != null && successorUnused && (withinGrace || undelivered)) {
                // a retry: the same successor, never a new one
                List<String> scopes = grantedScopes(family.scopes(), requestedScopes);
                if (scopes == null) {
                    return new Refused(
                            OAuthException.invalidScope("requested scope exceeds the original grant"), null, false);
                }
                if (undelivered) {
                    setUndelivered(connection, hash, successorHash, false);
                }
                String successor = new String(encryption.decrypt(successorEnc, aad(hash)), StandardCharsets.US_ASCII);
                MintedToken access = mint(family, scopes);
                outbox.add(
                        connection,
                        refreshed(
                                family,
                                access,
                                family.generation() + 1,
                                now,
                                context,
                                withinGrace ? "reuse_grace" : "retry_after_refusal",
                                eventId));
                return new Rotated(response(access, successor, family), expected, hash, successorHash);
            }
            DeviceRevocation.Revoked revoked = revocation.revokeInTransaction(
                    connection, family.deviceId(), null, family.deviceId(), "refresh_token_reuse", context);
            outbox.add(
                    connection,
                    TokenEvents.event(EventType.TOKEN_REFRESH_REUSE_DETECTED, now)
                            .accountId(family.accountId())
                            .actor(family.deviceId())
                            .subject(family.familyId())
                            .outcome(Outcome.FAILURE)
                            .reason("refresh_token_reuse")
                            .sourceIp(context.sourceIp())
                            .userAgent(context.userAgent())
                            .data(EventFields.FAMILY_ID, family.familyId())
                            .data(EventFields.DEVICE_ID, family.deviceId())
                            .data(GENERATION, family.generation())
                            .build());
            return new Refused(
                    OAuthException.invalidGrant("refresh token is revoked", "refresh_token_reuse"), revoked, true);
        }
    }

    /**
     * The fail-closed switch refused to answer a committed rotation: the successor was never handed out, so
     * the presented token may be presented again and gets that same successor.
     */
    private void markUndelivered(Rotated rotated) {
        try {
            database.inSingleStatement(connection -> {
                setUndelivered(connection, rotated.presentedHash(), rotated.successorHash(), true);
                return null;
            });
        } catch (StoreUnavailableException e) {
            Log.warnf("could not mark a refused rotation for retry: %s", e.getMessage());
        }
    }

    private static void setUndelivered(Connection connection, byte[] hash, byte[] successorHash, boolean undelivered)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE refresh_token SET undelivered = ? WHERE token_hash = ? AND successor_hash = ?")) {
            update.setBoolean(1, undelivered);
            update.setBytes(2, hash);
            update.setBytes(3, successorHash);
            update.executeUpdate();
        }
    }

    private void rejected(
            Connection connection, String accountId, String actor, String reason, Instant now, ClientContext context)
            throws SQLException {
        outbox.add(
                connection,
                TokenEvents.event(EventType.TOKEN_REJECTED, now)
                        .accountId(accountId)
                        .actor(actor)
                        .subject(GRANT_TYPE)
                        .outcome(Outcome.FAILURE)
                        .reason(reason)
                        .sourceIp(context.sourceIp())
                        .userAgent(context.userAgent())
                        .data(EventFields.GRANT_TYPE, GRANT_TYPE)
                        .build());
    }

    private MintedToken mint(Family family, List<String> scopes) {
        return minter.mint(
                new AccessTokenMinter.Request(family.deviceId(), family.accountId(), family.deviceId(), scopes));
    }

    private static CloudEvent refreshed(
            Family family,
            MintedToken access,
            int generation,
            Instant now,
            ClientContext context,
            String reason,
            String eventId) {
        return refreshed(now, context, reason, eventId, access.jti(), access.kid(), access.expiresAt())
                .accountId(family.accountId())
                .actor(family.deviceId())
                .subject(family.familyId())
                .data(EventFields.FAMILY_ID, family.familyId())
                .data(EventFields.DEVICE_ID, family.deviceId())
                .data(EventFields.SCOPES, access.scopes())
                .data(GENERATION, generation)
                .build();
    }

    /** A {@code token.refreshed} event with what is known before the family is: the caller and the access token. */
    private static CloudEvent.Builder refreshed(
            Instant now,
            ClientContext context,
            String reason,
            String eventId,
            String jti,
            String kid,
            Instant expiresAt) {
        return TokenEvents.event(EventType.TOKEN_REFRESHED, now)
                .id(eventId)
                .reason(reason)
                .sourceIp(context.sourceIp())
                .userAgent(context.userAgent())
                .data(EventFields.JTI, jti)
                .data(EventFields.KID, kid)
                .data(EventFields.EXPIRES_AT, expiresAt.toString());
    }

    private static TokenResponse response(MintedToken access, String refreshToken, Family family) {
        return new TokenResponse(
                access.jwt(),
                "Bearer",
                access.expiresIn(),
                refreshToken,
                String.join(" ", access.scopes()),
                family.deviceId());
    }

    /** The scopes for this refresh: all of the family's, or a requested subset; null when not a subset. */
    private static List<String> grantedScopes(List<String> familyScopes, List<String> requested) {
        if (requested == null || requested.isEmpty()) {
            return familyScopes;
        }
        return familyScopes.containsAll(requested) ? requested : null;
    }

    private static String aad(byte[] hash) {
        return "refresh:" + HexFormat.of().formatHex(hash);
    }
}
