package io.openclaw.token.device;

import io.openclaw.events.EventFields;
import io.openclaw.events.EventIds;
import io.openclaw.events.EventType;
import io.openclaw.events.delivery.DeliveryTracker.Expected;
import io.openclaw.token.access.AccessTokenMinter;
import io.openclaw.token.access.AccessTokenMinter.MintedToken;
import io.openclaw.token.audit.FailClosedAudit;
import io.openclaw.token.config.TokenConfig;
import io.openclaw.token.events.TokenEvents;
import io.openclaw.token.grant.ClientContext;
import io.openclaw.token.grant.OAuthException;
import io.openclaw.token.grant.TokenResponse;
import io.openclaw.token.outbox.Outbox;
import io.openclaw.token.refresh.RefreshTokens;
import io.openclaw.token.store.Database;
import io.openclaw.token.store.Ids;
import io.openclaw.token.store.Sql;
import io.openclaw.token.upstream.PairingClient.Granted;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Turns a consumed pairing code or device authorization into a device, a refresh-token family and the
 * first tokens. A code (its {@code pc_…}/{@code da_…} id) creates at most one family: a second exchange of
 * the same id fails and revokes the family the first one made.
 */
@ApplicationScoped
public class DeviceEnrollment {

    private final Database database;
    private final Outbox outbox;
    private final AccessTokenMinter minter;
    private final DeviceRevocation revocation;
    private final FailClosedAudit audit;
    private final TokenConfig config;
    private final Clock clock;

    public DeviceEnrollment(
            Database database,
            Outbox outbox,
            AccessTokenMinter minter,
            DeviceRevocation revocation,
            FailClosedAudit audit,
            TokenConfig config,
            Clock clock) {
        this.database = database;
        this.outbox = outbox;
        this.minter = minter;
        this.revocation = revocation;
        this.audit = audit;
        this.config = config;
        this.clock = clock;
    }

    private static final class DuplicateOrigin extends RuntimeException {
        DuplicateOrigin() {
            super("origin already created a family", null, false, false);
        }
    }

    public TokenResponse enroll(
            Granted grant, String grantType, String deviceName, String clientId, ClientContext context) {
        if (grant.originId() == null || grant.accountId() == null) {
            throw OAuthException.temporarilyUnavailable("the pairing service gave an incomplete answer");
        }
        String deviceId = Ids.next("dev");
        String familyId = Ids.next("fam");
        String name = deviceName != null ? deviceName : grant.label() != null ? grant.label() : "device";
        MintedToken access = minter.mint(new AccessTokenMinter.Request(
                deviceId, grant.accountId(), clientId != null ? clientId : deviceId, grant.scopes()));
        String refreshToken = RefreshTokens.generate();
        Instant now = clock.instant();
        String pairedEventId = EventIds.next();
        String issuedEventId = EventIds.next();
        List<Expected> expected = audit.expect(pairedEventId, issuedEventId);
        try {
            database.inTransaction(connection -> {
                try (PreparedStatement device = connection.prepareStatement(
                        "INSERT INTO device (id, account_id, name, scopes, grant_type, origin_id, state, created_at)"
                                + " VALUES (?, ?, ?, ?, ?, ?, 'active', ?)")) {
                    device.setString(1, deviceId);
                    device.setString(2, grant.accountId());
                    device.setString(3, name);
                    device.setArray(4, Sql.textArray(connection, access.scopes()));
                    device.setString(5, grantType);
                    device.setString(6, grant.originId());
                    device.setTimestamp(7, Sql.ts(now));
                    device.executeUpdate();
                }
                try (PreparedStatement family = connection.prepareStatement(
                        "INSERT INTO refresh_family (id, device_id, account_id, origin_id, scopes, state, created_at,"
                                + " absolute_expires_at, last_used_at) VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?)"
                                + " ON CONFLICT (origin_id) DO NOTHING")) {
                    family.setString(1, familyId);
                    family.setString(2, deviceId);
                    family.setString(3, grant.accountId());
                    family.setString(4, grant.originId());
                    family.setArray(5, Sql.textArray(connection, access.scopes()));
                    family.setTimestamp(6, Sql.ts(now));
                    family.setTimestamp(7, Sql.ts(now.plus(config.refreshAbsoluteLifetime())));
                    family.setTimestamp(8, Sql.ts(now));
                    if (family.executeUpdate() == 0) {
                        throw new DuplicateOrigin();
                    }
                }
                try (PreparedStatement token = connection.prepareStatement(
                        "INSERT INTO refresh_token (token_hash, family_id, generation, state, created_at)"
                                + " VALUES (?, ?, 1, 'active', ?)")) {
                    token.setBytes(1, RefreshTokens.hash(refreshToken));
                    token.setString(2, familyId);
                    token.setTimestamp(3, Sql.ts(now));
                    token.executeUpdate();
                }
                outbox.add(
                        connection,
                        TokenEvents.event(EventType.TOKEN_DEVICE_PAIRED, now)
                                .id(pairedEventId)
                                .accountId(grant.accountId())
                                .actor(deviceId)
                                .subject(deviceId)
                                .sourceIp(context.sourceIp())
                                .userAgent(context.userAgent())
                                .data(EventFields.DEVICE_ID, deviceId)
                                .data("device_name", name)
                                .data(EventFields.SCOPES, access.scopes())
                                .data("pairing_id", grant.originId())
                                .data(EventFields.GRANT_TYPE, grantType)
                                .build());
                outbox.add(
                        connection,
                        TokenEvents.event(EventType.TOKEN_ISSUED, now)
                                .id(issuedEventId)
                                .accountId(grant.accountId())
                                .actor(deviceId)
                                .subject(deviceId)
                                .sourceIp(context.sourceIp())
                                .userAgent(context.userAgent())
                                .data(EventFields.GRANT_TYPE, grantType)
                                .data(EventFields.SCOPES, access.scopes())
                                .data(EventFields.JTI, access.jti())
                                .data(EventFields.KID, access.kid())
                                .data(EventFields.CLIENT_ID, clientId != null ? clientId : deviceId)
                                .data(EventFields.DEVICE_ID, deviceId)
                                .data(EventFields.FAMILY_ID, familyId)
                                .data(EventFields.EXPIRES_AT, access.expiresAt().toString())
                                .build());
                return null;
            });
        } catch (DuplicateOrigin duplicate) {
            audit.forget(expected);
            revokeFamilyOf(grant, grantType, context);
            throw OAuthException.invalidGrant(
                    grantType.endsWith("device_code") ? "invalid_grant" : "code_used", "code_redeemed_twice");
        } catch (RuntimeException e) {
            audit.forget(expected);
            throw e;
        }
        outbox.wake();
        audit.await(expected);
        return new TokenResponse(
                access.jwt(), "Bearer", access.expiresIn(), refreshToken, String.join(" ", access.scopes()), deviceId);
    }

    private void revokeFamilyOf(Granted grant, String grantType, ClientContext context) {
        DeviceRevocation.Revoked revoked = database.inTransaction(connection -> {
            String existingDevice;
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT device_id FROM refresh_family WHERE origin_id = ?")) {
                select.setString(1, grant.originId());
                ResultSet row = select.executeQuery();
                if (!row.next()) {
                    return null;
                }
                existingDevice = row.getString(1);
            }
            return revocation.revokeInTransaction(
                    connection,
                    existingDevice,
                    grant.accountId(),
                    TokenEvents.SERVICE_ACTOR,
                    "code_redeemed_twice",
                    context);
        });
        revocation.denylist(revoked);
        outbox.wake();
        Log.warnf(
                "%s %s was redeemed twice; revoked the family it created (device %s)",
                grantType, grant.originId(), revoked == null ? "already revoked" : revoked.deviceId());
    }
}
