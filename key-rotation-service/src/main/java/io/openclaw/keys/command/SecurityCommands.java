package io.openclaw.keys.command;

import static io.openclaw.keys.support.Database.at;

import io.micrometer.core.instrument.MeterRegistry;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventFields;
import io.openclaw.events.EventType;
import io.openclaw.events.Topics;
import io.openclaw.events.consume.EventConsumerLoop;
import io.openclaw.keys.apikey.ApiKey;
import io.openclaw.keys.apikey.ApiKeyStore;
import io.openclaw.keys.apikey.ApiKeys;
import io.openclaw.keys.support.Database;
import io.openclaw.keys.support.KafkaClientConfig;
import io.openclaw.keys.verify.VerificationCache;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies {@code suspend_key} and {@code revoke_key} commands from audit-service. The consumer group is
 * shared by the replicas; each command is applied once: its event id is recorded in
 * {@code processed_commands} in the same transaction as the change, so a redelivered command is a no-op.
 */
@ApplicationScoped
public class SecurityCommands {

    public static final String GROUP = "key-rotation-service-commands";

    private final Database database;
    private final ApiKeyStore store;
    private final ApiKeys keys;
    private final VerificationCache cache;
    private final Clock clock;
    private final KafkaClientConfig kafka;
    private final MeterRegistry meters;
    private EventConsumerLoop loop;

    public SecurityCommands(
            Database database,
            ApiKeyStore store,
            ApiKeys keys,
            VerificationCache cache,
            Clock clock,
            KafkaClientConfig kafka,
            MeterRegistry meters) {
        this.database = database;
        this.store = store;
        this.keys = keys;
        this.cache = cache;
        this.clock = clock;
        this.kafka = kafka;
        this.meters = meters;
    }

    void start(@Observes StartupEvent event) {
        loop = EventConsumerLoop.builder("security-commands")
                .kafka(kafka.common())
                .group(GROUP)
                .topics(List.of(Topics.SECURITY_COMMANDS))
                .handler(this::apply)
                .metrics(meters)
                .build()
                .start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.stop();
        }
    }

    /** Applies one command; true when it changed a key. */
    public boolean apply(CloudEvent command) {
        boolean suspend = command.type().equals(EventType.COMMAND_SUSPEND_KEY.type());
        boolean revoke = command.type().equals(EventType.COMMAND_REVOKE_KEY.type());
        if (!suspend && !revoke) {
            return false;
        }
        String keyId = command.string(EventFields.KEY_ID);
        String accountId = command.accountId();
        if (keyId == null || accountId == null) {
            Log.warnf("command %s without key_id or account_id ignored", command.id());
            return false;
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        boolean changed = database.inTransaction(connection -> {
            if (!markProcessed(connection, command, now)) {
                return false;
            }
            Optional<ApiKey> key = store.lock(connection, accountId, keyId);
            if (key.isEmpty()) {
                Log.infof("command %s names unknown key %s", command.id(), keyId);
                return false;
            }
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("command_id", command.id());
            if (command.string(EventFields.ALERT_ID) != null) {
                extra.put(EventFields.ALERT_ID, command.string(EventFields.ALERT_ID));
            }
            String actor = command.actor() == null ? "svc:audit-service" : command.actor();
            String reason = command.reason() == null ? "security_command" : command.reason();
            return revoke
                    ? keys.revokeLocked(connection, key.get(), actor, reason, now, extra)
                    : keys.suspendLocked(connection, key.get(), actor, reason, now, extra);
        });
        if (changed) {
            cache.invalidateKey(keyId);
            Log.infof("command %s applied: key %s %s", command.id(), keyId, revoke ? "revoked" : "suspended");
        }
        return changed;
    }

    private static boolean markProcessed(Connection connection, CloudEvent command, Instant now) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO processed_commands (event_id, type, processed_at) VALUES (?, ?, ?)"
                        + " ON CONFLICT (event_id) DO NOTHING")) {
            insert.setString(1, command.id());
            insert.setString(2, command.type());
            insert.setObject(3, at(now));
            return insert.executeUpdate() == 1;
        }
    }
}
