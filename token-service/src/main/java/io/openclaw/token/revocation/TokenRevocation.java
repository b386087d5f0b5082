package io.openclaw.token.revocation;

import io.openclaw.events.EventFields;
import io.openclaw.events.EventType;
import io.openclaw.token.access.AccessTokenVerifier;
import io.openclaw.token.access.VerifiedAccessToken;
import io.openclaw.token.device.DeviceRevocation;
import io.openclaw.token.events.TokenEvents;
import io.openclaw.token.grant.ClientContext;
import io.openclaw.token.outbox.Outbox;
import io.openclaw.token.refresh.RefreshTokens;
import io.openclaw.token.store.Database;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;

/**
 * RFC 7009 revocation. A refresh token kills its family and device (and so every access token of that
 * device); an access token is denylisted by {@code jti} until its {@code exp}. Anything unknown is ignored.
 */
@ApplicationScoped
public class TokenRevocation {

    private final Database database;
    private final Outbox outbox;
    private final DeviceRevocation devices;
    private final AccessTokenVerifier verifier;
    private final RevocationDenylist denylist;
    private final Clock clock;

    public TokenRevocation(
            Database database,
            Outbox outbox,
            DeviceRevocation devices,
            AccessTokenVerifier verifier,
            RevocationDenylist denylist,
            Clock clock) {
        this.database = database;
        this.outbox = outbox;
        this.devices = devices;
        this.verifier = verifier;
        this.denylist = denylist;
        this.clock = clock;
    }

    public void revoke(String token, ClientContext context) {
        if (RefreshTokens.isWellFormed(token)) {
            revokeRefreshToken(token, context);
            return;
        }
        verifier.signedBy(token).ifPresent(claims -> revokeAccessToken(claims, context));
    }

    private void revokeRefreshToken(String token, ClientContext context) {
        byte[] hash = RefreshTokens.hash(token);
        DeviceRevocation.Revoked revoked = database.inTransaction(connection -> {
            String deviceId;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT f.device_id FROM refresh_token t JOIN refresh_family f ON f.id = t.family_id"
                            + " WHERE t.token_hash = ?")) {
                select.setBytes(1, hash);
                ResultSet row = select.executeQuery();
                if (!row.next()) {
                    return null;
                }
                deviceId = row.getString(1);
            }
            return devices.revokeInTransaction(connection, deviceId, null, deviceId, "revoked_by_client", context);
        });
        devices.denylist(revoked);
        outbox.wake();
    }

    private void revokeAccessToken(VerifiedAccessToken claims, ClientContext context) {
        String jti = claims.jti();
        String subject = claims.subject();
        Instant expiresAt = Instant.ofEpochSecond(claims.expiresAt());
        Instant now = clock.instant();
        if (jti == null || subject == null || !expiresAt.isAfter(now)) {
            return;
        }
        denylist.denyToken(jti, expiresAt);
        String account = claims.accountId();
        database.inTransaction(connection -> {
            outbox.add(
                    connection,
                    TokenEvents.event(EventType.TOKEN_REVOKED, now)
                            .accountId(account)
                            .actor(subject)
                            .subject(jti)
                            .reason("revoked_by_client")
                            .sourceIp(context.sourceIp())
                            .userAgent(context.userAgent())
                            .data("token_kind", "access")
                            .data(EventFields.JTI, jti)
                            .data(EventFields.EXPIRES_AT, expiresAt.toString())
                            .data(EventFields.DEVICE_ID, subject.startsWith("dev_") ? subject : null)
                            .build());
            return null;
        });
        outbox.wake();
    }
}
