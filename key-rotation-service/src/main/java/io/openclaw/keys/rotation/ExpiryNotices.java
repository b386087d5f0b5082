package io.openclaw.keys.rotation;

import static io.openclaw.keys.support.Database.at;

import io.openclaw.events.EventType;
import io.openclaw.keys.apikey.ApiKey;
import io.openclaw.keys.apikey.ApiKeyStore;
import io.openclaw.keys.apikey.KeyEvents;
import io.openclaw.keys.config.KeysConfig;
import io.openclaw.keys.outbox.Outbox;
import io.openclaw.keys.support.Database;
import io.openclaw.keys.verify.VerificationCache;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code io.openclaw.key.expiring} 30, 15 and 7 days before a key expires (once each: the notice is marked
 * sent by the same {@code UPDATE … RETURNING} that selects the key, so replicas never both send it), and
 * {@code io.openclaw.key.expired} at expiry. A key first seen inside a window gets only the nearest notice.
 */
@ApplicationScoped
public class ExpiryNotices {

    private final Database database;
    private final Outbox outbox;
    private final VerificationCache cache;
    private final KeysConfig config;
    private final Clock clock;

    public ExpiryNotices(Database database, Outbox outbox, VerificationCache cache, KeysConfig config, Clock clock) {
        this.database = database;
        this.outbox = outbox;
        this.cache = cache;
        this.config = config;
        this.clock = clock;
    }

    /** Sends the notices due now; returns how many events were written. */
    public int run() {
        Instant now = clock.instant();
        List<Integer> days =
                config.schedule().expiryNoticeDays().stream().sorted().toList();
        List<String> expired = new ArrayList<>();
        int sent = database.inTransaction(connection -> {
            int count = 0;
            for (int i = 0; i < days.size(); i++) {
                int threshold = days.get(i);
                Integer[] covered = days.subList(i, days.size()).toArray(Integer[]::new);
                count += notice(connection, threshold, covered, now);
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE api_keys SET expired_notified = true"
                    + " WHERE status IN ('active', 'disabled') AND stage <> 'pending' AND expires_at <= ?"
                    + " AND NOT expired_notified RETURNING " + ApiKeyStore.COLUMNS)) {
                update.setObject(1, at(now));
                try (ResultSet rows = update.executeQuery()) {
                    while (rows.next()) {
                        ApiKey key = ApiKeyStore.map(rows);
                        outbox.append(
                                connection,
                                KeyEvents.of(EventType.KEY_EXPIRED, key, KeyEvents.SYSTEM, now)
                                        .reason("expired")
                                        .build());
                        expired.add(key.id());
                        count++;
                    }
                }
            }
            return count;
        });
        expired.forEach(cache::invalidateKey);
        return sent;
    }

    private int notice(Connection connection, int threshold, Integer[] covered, Instant now) throws SQLException {
        int count = 0;
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE api_keys SET expiry_notices_sent = expiry_notices_sent || ?::integer[]"
                        + " WHERE status IN ('active', 'disabled') AND stage <> 'pending' AND expires_at > ?"
                        + " AND expires_at <= ? AND NOT (? = ANY (expiry_notices_sent)) RETURNING "
                        + ApiKeyStore.COLUMNS)) {
            update.setArray(1, connection.createArrayOf("integer", covered));
            update.setObject(2, at(now));
            update.setObject(3, at(now.plus(Duration.ofDays(threshold))));
            update.setInt(4, threshold);
            try (ResultSet rows = update.executeQuery()) {
                while (rows.next()) {
                    ApiKey key = ApiKeyStore.map(rows);
                    outbox.append(
                            connection,
                            KeyEvents.of(EventType.KEY_EXPIRING, key, KeyEvents.SYSTEM, now)
                                    .data("days_left", threshold)
                                    .build());
                    count++;
                }
            }
        }
        return count;
    }
}
