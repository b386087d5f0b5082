package io.openclaw.token.device;

import io.openclaw.events.EventFields;
import io.openclaw.events.EventType;
import io.openclaw.token.events.TokenEvents;
import io.openclaw.token.grant.ClientContext;
import io.openclaw.token.outbox.Outbox;
import io.openclaw.token.revocation.RevocationDenylist;
import io.openclaw.token.store.Database;
import io.openclaw.token.store.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;

/**
 * Revokes a device: the device and its refresh-token family die in one transaction with their events, then
 * every access token issued to the device is denylisted (immediately for introspection; services that
 * verify locally learn it from {@code io.openclaw.token.revoked}).
 */
@ApplicationScoped
public class DeviceRevocation {

    /** What a revocation did. */
    public enum Result {
        REVOKED,
        ALREADY_REVOKED,
        NOT_FOUND
    }

    /** A device revoked inside a transaction; the caller denylists it after commit. */
    public record Revoked(String deviceId, String accountId, String familyId) {}

    private final Database database;
    private final Outbox outbox;
    private final RevocationDenylist denylist;
    private final Clock clock;

    public DeviceRevocation(Database database, Outbox outbox, RevocationDenylist denylist, Clock clock) {
        this.database = database;
        this.outbox = outbox;
        this.denylist = denylist;
        this.clock = clock;
    }

    /** Revokes a device of an account (or of any account when {@code accountId} is null). */
    public Result revoke(String accountId, String deviceId, String actor, String reason, ClientContext context) {
        Result result = database.inTransaction(connection -> {
            Revoked revoked = revokeInTransaction(connection, deviceId, accountId, actor, reason, context);
            if (revoked != null) {
                return Result.REVOKED;
            }
            try (PreparedStatement exists = connection.prepareStatement(
                    "SELECT 1 FROM device WHERE id = ? AND (?::text IS NULL OR account_id = ?)")) {
                exists.setString(1, deviceId);
                exists.setString(2, accountId);
                exists.setString(3, accountId);
                return exists.executeQuery().next() ? Result.ALREADY_REVOKED : Result.NOT_FOUND;
            }
        });
        if (result != Result.NOT_FOUND) {
            // also on ALREADY_REVOKED: a retry after a Redis failure completes the denylisting
            denylist.denySubject(deviceId);
        }
        outbox.wake();
        return result;
    }

    /**
     * Marks the device and its family revoked and writes the events, in the caller's transaction. Returns
     * null when the device is not active (or not in the account).
     */
    public Revoked revokeInTransaction(
            Connection connection,
            String deviceId,
            String accountId,
            String actor,
            String reason,
            ClientContext context)
            throws SQLException {
        Instant now = clock.instant();
        String account;
        try (PreparedStatement device =
                connection.prepareStatement("UPDATE device SET state = 'revoked', revoked_at = ?, revoked_reason = ?"
                        + " WHERE id = ? AND state = 'active' AND (?::text IS NULL OR account_id = ?)"
                        + " RETURNING account_id")) {
            device.setTimestamp(1, Sql.ts(now));
            device.setString(2, reason);
            device.setString(3, deviceId);
            device.setString(4, accountId);
            device.setString(5, accountId);
            ResultSet row = device.executeQuery();
            if (!row.next()) {
                return null;
            }
            account = row.getString(1);
        }
        String familyId = null;
        try (PreparedStatement family = connection.prepareStatement(
                "UPDATE refresh_family SET state = 'revoked', revoked_at = ?, revoked_reason = ?"
                        + " WHERE device_id = ? AND state = 'active' RETURNING id")) {
            family.setTimestamp(1, Sql.ts(now));
            family.setString(2, reason);
            family.setString(3, deviceId);
            ResultSet row = family.executeQuery();
            if (row.next()) {
                familyId = row.getString(1);
            }
        }
        outbox.add(
                connection,
                TokenEvents.event(EventType.TOKEN_DEVICE_REVOKED, now)
                        .accountId(account)
                        .actor(actor)
                        .subject(deviceId)
                        .reason(reason)
                        .sourceIp(context == null ? null : context.sourceIp())
                        .userAgent(context == null ? null : context.userAgent())
                        .data(EventFields.DEVICE_ID, deviceId)
                        .build());
        outbox.add(
                connection,
                TokenEvents.event(EventType.TOKEN_REVOKED, now)
                        .accountId(account)
                        .actor(actor)
                        .subject(deviceId)
                        .reason(reason)
                        .sourceIp(context == null ? null : context.sourceIp())
                        .userAgent(context == null ? null : context.userAgent())
                        .data("token_kind", "device")
                        .data(EventFields.DEVICE_ID, deviceId)
                        .data(EventFields.FAMILY_ID, familyId)
                        .build());
        return new Revoked(deviceId, account, familyId);
    }

    /** Denylists the access tokens of devices revoked by a committed transaction. */
    public void denylist(Revoked revoked) {
        if (revoked != null) {
            denylist.denySubject(revoked.deviceId());
        }
    }
}
