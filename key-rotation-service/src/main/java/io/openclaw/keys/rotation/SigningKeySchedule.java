package io.openclaw.keys.rotation;

import static io.openclaw.keys.support.Database.at;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.keys.apikey.KeyEvents;
import io.openclaw.keys.config.KeysConfig;
import io.openclaw.keys.outbox.Outbox;
import io.openclaw.keys.support.Database;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;

/**
 * token-service's signing-key rotation schedule: every {@code openclaw.keys.schedule.signing-key-rotation-every}
 * one {@code io.openclaw.command.rotate_signing_key}. The schedule row is advanced by an
 * {@code UPDATE … WHERE next_run_at <= now RETURNING}, so exactly one replica publishes each command.
 */
@ApplicationScoped
public class SigningKeySchedule {

    static final String NAME = "rotate_signing_key";

    private final Database database;
    private final Outbox outbox;
    private final KeysConfig config;
    private final Clock clock;

    public SigningKeySchedule(Database database, Outbox outbox, KeysConfig config, Clock clock) {
        this.database = database;
        this.outbox = outbox;
        this.config = config;
        this.clock = clock;
    }

    /** Creates the schedule on first start (the first rotation one period from now). */
    public void ensure() {
        Instant now = clock.instant();
        database.inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO schedules (name, next_run_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
                insert.setString(1, NAME);
                insert.setObject(2, at(now.plus(config.schedule().signingKeyRotationEvery())));
                return insert.executeUpdate();
            }
        });
    }

    /** Publishes the command when due; true when this replica did. */
    public boolean run() {
        Instant now = clock.instant();
        return database.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE schedules SET next_run_at = ?, last_run_at = ? WHERE name = ? AND next_run_at <= ?"
                            + " RETURNING next_run_at")) {
                update.setObject(1, at(now.plus(config.schedule().signingKeyRotationEvery())));
                update.setObject(2, at(now));
                update.setString(3, NAME);
                update.setObject(4, at(now));
                try (ResultSet row = update.executeQuery()) {
                    if (!row.next()) {
                        return false;
                    }
                }
            }
            outbox.append(
                    connection,
                    CloudEvent.builder(EventType.COMMAND_ROTATE_SIGNING_KEY)
                            .source(KeyEvents.SOURCE)
                            .time(now)
                            .actor(KeyEvents.SYSTEM)
                            .subject("signing-key")
                            .reason("scheduled")
                            .data("alg", config.schedule().signingKeyAlgorithm())
                            .data(
                                    "schedule",
                                    config.schedule().signingKeyRotationEvery().toString())
                            .build());
            Log.info("scheduled signing-key rotation commanded");
            return true;
        });
    }
}
