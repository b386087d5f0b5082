package io.openclaw.token.device;

import io.openclaw.token.config.TokenConfig;
import io.openclaw.token.events.TokenEvents;
import io.openclaw.token.store.Database;
import io.openclaw.token.store.Sql;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Revokes devices whose refresh-token family was unused for the idle lifetime (or outlived its absolute
 * lifetime). One replica at a time: the sweep holds a PostgreSQL advisory lock for its transaction.
 */
@ApplicationScoped
public class IdleDeviceSweep {

    private static final long SWEEP_LOCK = 0x6f63_6964_6c65_0001L;
    private static final int BATCH = 500;

    private final Database database;
    private final DeviceRevocation revocation;
    private final TokenConfig config;
    private final Clock clock;

    public IdleDeviceSweep(Database database, DeviceRevocation revocation, TokenConfig config, Clock clock) {
        this.database = database;
        this.revocation = revocation;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(
            every = "${openclaw.token.idle-sweep-interval:15m}",
            delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            int revoked = sweep();
            if (revoked > 0) {
                Log.infof("revoked %d idle devices", revoked);
            }
            purge();
        } catch (RuntimeException e) {
            Log.warnf("idle-device sweep failed: %s", e.getMessage());
        }
    }

    /**
     * Deletes what no decision needs any more: refresh-token rows of families past their absolute lifetime
     * (by a day, so a late reuse is still caught while the family could have lived) and consumed-event ids
     * older than a week (Kafka redelivers within minutes, not weeks).
     */
    public void purge() {
        database.inTransaction(connection -> {
            Instant now = clock.instant();
            try (PreparedStatement tokens =
                    connection.prepareStatement("DELETE FROM refresh_token t USING refresh_family f"
                            + " WHERE t.family_id = f.id AND f.absolute_expires_at < ?")) {
                tokens.setTimestamp(1, Sql.ts(now.minus(java.time.Duration.ofDays(1))));
                tokens.executeUpdate();
            }
            try (PreparedStatement events =
                    connection.prepareStatement("DELETE FROM processed_event WHERE processed_at < ?")) {
                events.setTimestamp(1, Sql.ts(now.minus(java.time.Duration.ofDays(7))));
                events.executeUpdate();
            }
            return null;
        });
    }

    /** Revokes idle devices; returns how many. */
    public int sweep() {
        int total = 0;
        while (true) {
            List<DeviceRevocation.Revoked> revoked = database.inTransaction(connection -> {
                List<DeviceRevocation.Revoked> done = new ArrayList<>();
                try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
                    lock.setLong(1, SWEEP_LOCK);
                    ResultSet row = lock.executeQuery();
                    if (!row.next() || !row.getBoolean(1)) {
                        return done;
                    }
                }
                Instant now = clock.instant();
                List<String> idle = new ArrayList<>();
                try (PreparedStatement select =
                        connection.prepareStatement("SELECT device_id FROM refresh_family WHERE state = 'active'"
                                + " AND (last_used_at <= ? OR absolute_expires_at <= ?) LIMIT ?")) {
                    select.setTimestamp(1, Sql.ts(now.minus(config.refreshIdleLifetime())));
                    select.setTimestamp(2, Sql.ts(now));
                    select.setInt(3, BATCH);
                    ResultSet rows = select.executeQuery();
                    while (rows.next()) {
                        idle.add(rows.getString(1));
                    }
                }
                for (String deviceId : idle) {
                    DeviceRevocation.Revoked one = revocation.revokeInTransaction(
                            connection, deviceId, null, TokenEvents.SERVICE_ACTOR, "idle", null);
                    if (one != null) {
                        done.add(one);
                    }
                }
                return done;
            });
            revoked.forEach(revocation::denylist);
            total += revoked.size();
            if (revoked.size() < BATCH) {
                return total;
            }
        }
    }
}
