package io.openclaw.token.command;

import io.micrometer.core.instrument.MeterRegistry;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventFields;
import io.openclaw.events.EventType;
import io.openclaw.events.Topics;
import io.openclaw.events.consume.EventConsumerLoop;
import io.openclaw.token.config.TokenConfig;
import io.openclaw.token.device.DeviceRevocation;
import io.openclaw.token.events.TokenEvents;
import io.openclaw.token.outbox.Outbox;
import io.openclaw.token.revocation.RevocationDenylist;
import io.openclaw.token.signing.SigningKeyRing;
import io.openclaw.token.store.Database;
import io.openclaw.token.store.Sql;
import io.openclaw.token.upstream.KeyVerificationClient;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Consumes {@code openclaw.key.events} (a revoked key's tokens die; revoked or rotated keys leave the
 * verification cache) and {@code openclaw.security.commands} ({@code revoke_device},
 * {@code rotate_signing_key}). Each event is applied once: its id is recorded in {@code processed_event} in
 * the same transaction as its effect, and offsets are committed only after the effect; a failure is retried
 * while PostgreSQL or Redis is down, and an event that fails for good goes to the consumer dead-letter topic
 * (see {@link EventConsumerLoop}).
 */
@ApplicationScoped
public class SecurityEventConsumer {

    private final Database database;
    private final DeviceRevocation devices;
    private final SigningKeyRing keyRing;
    private final RevocationDenylist denylist;
    private final KeyVerificationClient keyVerification;
    private final Outbox outbox;
    private final TokenConfig config;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Map<String, Object> kafka;
    private EventConsumerLoop loop;

    public SecurityEventConsumer(
            Database database,
            DeviceRevocation devices,
            SigningKeyRing keyRing,
            RevocationDenylist denylist,
            KeyVerificationClient keyVerification,
            Outbox outbox,
            TokenConfig config,
            Clock clock,
            MeterRegistry meters,
            @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.database = database;
        this.devices = devices;
        this.keyRing = keyRing;
        this.denylist = denylist;
        this.keyVerification = keyVerification;
        this.outbox = outbox;
        this.config = config;
        this.clock = clock;
        this.meters = meters;
        this.kafka = kafka;
    }

    void start(@Observes StartupEvent startup) {
        loop = EventConsumerLoop.builder("token-service-security")
                .kafka(kafka)
                .group(config.consumerGroup())
                .topics(List.of(Topics.KEY_EVENTS, Topics.SECURITY_COMMANDS))
                .maxPollRecords(100)
                .handler(this::handle)
                .metrics(meters)
                .build()
                .start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (loop != null) {
            loop.stop();
        }
    }

    void handle(CloudEvent event) {
        EventType type = event.eventType().orElse(null);
        if (type == null) {
            return;
        }
        switch (type) {
            case KEY_REVOKED -> keyRevoked(event);
            case KEY_ROTATED, KEY_SUSPENDED, KEY_EXPIRED, KEY_RETIRED -> forgetKey(event);
            case COMMAND_REVOKE_DEVICE -> revokeDevice(event);
            case COMMAND_ROTATE_SIGNING_KEY -> rotateSigningKey(event);
            default -> {
                // not for token-service
            }
        }
    }

    private void keyRevoked(CloudEvent event) {
        String keyId = event.string(EventFields.KEY_ID);
        if (keyId == null) {
            return;
        }
        keyVerification.forget(keyId);
        denylist.denySubject(keyId);
        boolean first = database.inTransaction(connection -> {
            if (!firstTime(connection, event)) {
                return false;
            }
            Instant now = clock.instant();
            outbox.add(
                    connection,
                    TokenEvents.event(EventType.TOKEN_REVOKED, now)
                            .accountId(event.accountId())
                            .actor(TokenEvents.SERVICE_ACTOR)
                            .subject(keyId)
                            .reason("key_revoked")
                            .data("token_kind", "key")
                            .data(EventFields.KEY_ID, keyId)
                            .data("cause_event_id", event.id())
                            .build());
            return true;
        });
        if (first) {
            outbox.wake();
            Log.infof("API key %s revoked: its access tokens are denylisted", keyId);
        }
    }

    private void forgetKey(CloudEvent event) {
        String keyId = event.string(EventFields.KEY_ID);
        if (keyId != null) {
            keyVerification.forget(keyId);
        }
    }

    private void revokeDevice(CloudEvent event) {
        String deviceId = event.string(EventFields.DEVICE_ID);
        String accountId = event.accountId();
        if (deviceId == null || accountId == null) {
            Log.warnf("revoke_device command %s names no device or account; ignored", event.id());
            return;
        }
        DeviceRevocation.Revoked revoked = database.inTransaction(connection -> {
            if (!firstTime(connection, event)) {
                return null;
            }
            String reason = event.reason() != null ? event.reason() : "revoked_by_command";
            return devices.revokeInTransaction(
                    connection, deviceId, accountId, event.actor() == null ? "command" : event.actor(), reason, null);
        });
        devices.denylist(revoked);
        outbox.wake();
    }

    private void rotateSigningKey(CloudEvent event) {
        String alg = event.string("alg");
        try {
            keyRing.rotate("command:" + event.id(), event.actor() == null ? "command" : event.actor(), alg);
        } catch (IllegalArgumentException e) {
            Log.warnf("rotate_signing_key command %s asks for an unsupported algorithm; ignored", event.id());
        }
    }

    private boolean firstTime(Connection connection, CloudEvent event) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO processed_event (event_id, type, processed_at) VALUES (?, ?, ?)"
                        + " ON CONFLICT (event_id) DO NOTHING")) {
            insert.setString(1, event.id());
            insert.setString(2, event.type());
            insert.setTimestamp(3, Sql.ts(clock.instant()));
            return insert.executeUpdate() == 1;
        }
    }
}
