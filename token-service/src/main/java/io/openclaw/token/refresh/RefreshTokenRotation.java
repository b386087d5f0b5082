package io.openclaw.token.refresh;

import io.openclaw.events.EventFields;
import io.openclaw.events.EventType;
import io.openclaw.events.Outcome;
import io.openclaw.token.access.AccessTokenMinter;
import io.openclaw.token.access.AccessTokenMinter.MintedToken;
import io.openclaw.token.config.TokenConfig;
import io.openclaw.token.device.DeviceRevocation;
import io.openclaw.token.events.TokenEvents;
import io.openclaw.token.grant.ClientContext;
import io.openclaw.token.grant.OAuthException;
import io.openclaw.token.grant.TokenResponse;
import io.openclaw.token.outbox.Outbox;
import io.openclaw.token.signing.KeyEncryption;
import io.openclaw.token.store.Database;
import io.openclaw.token.store.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
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
    private final TokenConfig config;
    private final Clock clock;

    public RefreshTokenRotation(
            Database database,
            Outbox outbox,
            AccessTokenMinter minter,
            DeviceRevocation revocation,
            KeyEncryption encryption,
            TokenConfig config,
            Clock clock) {
        this.database = database;
        this.outbox = outbox;
        this.minter = minter;
        this.revocation = revocation;
        this.encryption = encryption;
        this.config = config;
        this.clock = clock;
    }

    private sealed interface Result permits Rotated, Refused {}

    private record Rotated(TokenResponse response) implements Result {}

    private record Refused(OAuthException error, DeviceRevocation.Revoked revoked) implements Result {}

    private record Family(String familyId, String deviceId, String accountId, List<String> scopes, int generation) {}

    public TokenResponse refresh(String refreshToken, List<String> requestedScopes, ClientContext context) {
        if (!RefreshTokens.isWellFormed(refreshToken)) {
            throw OAuthException.invalidGrant("refresh token is invalid", "malformed_refresh_token");
        }
        byte[] hash = RefreshTokens.hash(refreshToken);
        Result result = database.inTransaction(connection -> {
            Instant now = clock.instant();
            Family family = claim(connection, hash, now);
            if (family != null) {
                return rotate(connection, family, hash, requestedScopes, now, context);
            }
            return refuse(connection, hash, requestedScopes, now, context);
        });
        outbox.wake();
        if (result instanceof Refused refused) {
            revocation.denylist(refused.revoked());
            throw refused.error();
        }
        return ((Rotated) result).response();
    }

    /** Atomically marks the token rotated if it and its family are usable; null if not. */
    private Family claim(Connection connection, byte[] hash, Instant now) throws SQLException {
        try (PreparedStatement update =
                connection.prepareStatement("UPDATE refresh_token t SET state = 'rotated', rotated_at = ?"
                        + " FROM refresh_family f"
                        + " WHERE t.token_hash = ? AND t.state = 'active' AND f.id = t.family_id AND f.state = 'active'"
                        + " AND f.absolute_expires_at > ? AND f.last_used_at > ?"
                        + " RETURNING f.id, f.device_id, f.account_id, f.scopes, t.generation")) {
            update.setTimestamp(1, Sql.ts(now));
            update.setBytes(2, hash);
            update.setTimestamp(3, Sql.ts(now));
            update.setTimestamp(4, Sql.ts(now.minus(config.refreshIdleLifetime())));
            ResultSet row = update.executeQuery();
            if (!row.next()) {
                return null;
            }
            return new Family(
                    row.getString(1), row.getString(2), row.getString(3), Sql.strings(row.getArray(4)), row.getInt(5));
        }
    }

    private Result rotate(
            Connection connection,
            Family family,
            byte[] hash,
            List<String> requestedScopes,
            Instant now,
            ClientContext context)
            throws SQLException {
        List<String> scopes = grantedScopes(family.scopes(), requestedScopes);
        if (scopes == null) {
            connection.rollback();
            return new Refused(OAuthException.invalidScope("requested scope exceeds the original grant"), null);
        }
        String successor = RefreshTokens.generate();
        byte[] successorHash = RefreshTokens.hash(successor);
        int generation = family.generation() + 1;
        try (PreparedStatement link = connection.prepareStatement(
                "UPDATE refresh_token SET successor_hash = ?, successor_enc = ? WHERE token_hash = ?")) {
            link.setBytes(1, successorHash);
            link.setBytes(
                    2,
                    config.refreshReuseGrace().isZero()
                            ? null
                            : encryption.encrypt(successor.getBytes(StandardCharsets.US_ASCII), aad(hash)));
            link.setBytes(3, hash);
            link.executeUpdate();
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO refresh_token (token_hash, family_id, generation, state, created_at)"
                        + " VALUES (?, ?, ?, 'active', ?)")) {
            insert.setBytes(1, successorHash);
            insert.setString(2, family.familyId());
            insert.setInt(3, generation);
            insert.setTimestamp(4, Sql.ts(now));
            insert.executeUpdate();
        }
        touch(connection, family.familyId(), now);
        MintedToken access = mint(family, scopes);
        outbox.add(connection, refreshed(family, access, generation, now, context, null));
        return new Rotated(response(access, successor, family));
    }

    private Result refuse(
            Connection connection, byte[] hash, List<String> requestedScopes, Instant now, ClientContext context)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT t.state, t.generation, t.rotated_at, t.successor_hash, t.successor_enc,"
                        + " f.id, f.device_id, f.account_id, f.scopes, f.state, f.absolute_expires_at, f.last_used_at"
                        + " FROM refresh_token t JOIN refresh_family f ON f.id = t.family_id"
                        + " WHERE t.token_hash = ? FOR UPDATE OF f")) {
            select.setBytes(1, hash);
            ResultSet row = select.executeQuery();
            if (!row.next()) {
                rejected(connection, null, "unknown", "unknown_refresh_token", now, context);
                return new Refused(
                        OAuthException.invalidGrant("refresh token is invalid", "unknown_refresh_token"), null);
            }
            Family family = new Family(
                    row.getString(6), row.getString(7), row.getString(8), Sql.strings(row.getArray(9)), row.getInt(2));
            if (!"active".equals(row.getString(10))) {
                rejected(connection, family.accountId(), family.deviceId(), "family_revoked", now, context);
                return new Refused(OAuthException.invalidGrant("refresh token is revoked", "family_revoked"), null);
            }
            if ("active".equals(row.getString(1))) {
                DeviceRevocation.Revoked revoked = revocation.revokeInTransaction(
                        connection, family.deviceId(), null, family.deviceId(), "refresh_token_expired", context);
                return new Refused(
                        OAuthException.invalidGrant("refresh token is expired", "refresh_token_expired"), revoked);
            }
            Instant rotatedAt = Sql.instant(row.getTimestamp(3));
            byte[] successorHash = row.getBytes(4);
            byte[] successorEnc = row.getBytes(5);
            if (successorEnc != null
                    && !config.refreshReuseGrace().isZero()
                    && now.isBefore(rotatedAt.plus(config.refreshReuseGrace()))
                    && isActive(connection, successorHash)) {
                List<String> scopes = grantedScopes(family.scopes(), requestedScopes);
                if (scopes == null) {
                    return new Refused(OAuthException.invalidScope("requested scope exceeds the original grant"), null);
                }
                String successor = new String(encryption.decrypt(successorEnc, aad(hash)), StandardCharsets.US_ASCII);
                MintedToken access = mint(family, scopes);
                outbox.add(connection, refreshed(family, access, family.generation() + 1, now, context, "reuse_grace"));
                return new Rotated(response(access, successor, family));
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
                            .data("generation", family.generation())
                            .build());
            return new Refused(OAuthException.invalidGrant("refresh token is revoked", "refresh_token_reuse"), revoked);
        }
    }

    private static boolean isActive(Connection connection, byte[] hash) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT 1 FROM refresh_token WHERE token_hash = ? AND state = 'active'")) {
            select.setBytes(1, hash);
            return select.executeQuery().next();
        }
    }

    private static void touch(Connection connection, String familyId, Instant now) throws SQLException {
        try (PreparedStatement update =
                connection.prepareStatement("UPDATE refresh_family SET last_used_at = ? WHERE id = ?")) {
            update.setTimestamp(1, Sql.ts(now));
            update.setString(2, familyId);
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

    private static io.openclaw.events.CloudEvent refreshed(
            Family family, MintedToken access, int generation, Instant now, ClientContext context, String reason) {
        return TokenEvents.event(EventType.TOKEN_REFRESHED, now)
                .accountId(family.accountId())
                .actor(family.deviceId())
                .subject(family.familyId())
                .reason(reason)
                .sourceIp(context.sourceIp())
                .userAgent(context.userAgent())
                .data(EventFields.JTI, access.jti())
                .data(EventFields.KID, access.kid())
                .data(EventFields.FAMILY_ID, family.familyId())
                .data(EventFields.DEVICE_ID, family.deviceId())
                .data(EventFields.SCOPES, access.scopes())
                .data(EventFields.EXPIRES_AT, access.expiresAt().toString())
                .data("generation", generation)
                .build();
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
