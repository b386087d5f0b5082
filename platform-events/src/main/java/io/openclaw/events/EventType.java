package io.openclaw.events;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every event type on the platform, with the topic it is published to. Type names follow
 * {@code io.openclaw.<domain>.<noun>.<verb>}; each has a JSON Schema under {@code schemas/<type>.json}.
 */
public enum EventType {
    // pairing-service
    PAIRING_CODE_ISSUED("io.openclaw.pairing.code.issued", Topics.PAIRING_EVENTS),
    PAIRING_CODE_REDEEMED("io.openclaw.pairing.code.redeemed", Topics.PAIRING_EVENTS),
    PAIRING_CODE_REJECTED("io.openclaw.pairing.code.rejected", Topics.PAIRING_EVENTS),
    PAIRING_CODE_REVOKED("io.openclaw.pairing.code.revoked", Topics.PAIRING_EVENTS),
    PAIRING_DEVICE_AUTHORIZATION_REQUESTED("io.openclaw.pairing.device.authorization_requested", Topics.PAIRING_EVENTS),
    PAIRING_DEVICE_AUTHORIZATION_APPROVED("io.openclaw.pairing.device.authorization_approved", Topics.PAIRING_EVENTS),
    PAIRING_DEVICE_AUTHORIZATION_DENIED("io.openclaw.pairing.device.authorization_denied", Topics.PAIRING_EVENTS),
    PAIRING_LOCKOUT_STARTED("io.openclaw.pairing.lockout.started", Topics.PAIRING_EVENTS),
    PAIRING_ATTACK_SUSPECTED("io.openclaw.pairing.attack.suspected", Topics.PAIRING_EVENTS),
    PAIRING_IP_BLOCKED("io.openclaw.pairing.ip.blocked", Topics.PAIRING_EVENTS),

    // token-service
    TOKEN_ISSUED("io.openclaw.token.issued", Topics.TOKEN_EVENTS),
    TOKEN_REFRESHED("io.openclaw.token.refreshed", Topics.TOKEN_EVENTS),
    TOKEN_REJECTED("io.openclaw.token.rejected", Topics.TOKEN_EVENTS),
    TOKEN_REVOKED("io.openclaw.token.revoked", Topics.TOKEN_EVENTS),
    TOKEN_REFRESH_REUSE_DETECTED("io.openclaw.token.refresh_reuse_detected", Topics.TOKEN_EVENTS),
    TOKEN_DEVICE_PAIRED("io.openclaw.token.device.paired", Topics.TOKEN_EVENTS),
    TOKEN_DEVICE_REVOKED("io.openclaw.token.device.revoked", Topics.TOKEN_EVENTS),
    TOKEN_SIGNING_KEY_PUBLISHED("io.openclaw.token.signing_key.published", Topics.TOKEN_EVENTS),
    TOKEN_SIGNING_KEY_ACTIVATED("io.openclaw.token.signing_key.activated", Topics.TOKEN_EVENTS),
    TOKEN_SIGNING_KEY_RETIRED("io.openclaw.token.signing_key.retired", Topics.TOKEN_EVENTS),

    // key-rotation-service
    ACCOUNT_CREATED("io.openclaw.key.account.created", Topics.KEY_EVENTS),
    KEY_CREATED("io.openclaw.key.created", Topics.KEY_EVENTS),
    KEY_UPDATED("io.openclaw.key.updated", Topics.KEY_EVENTS),
    KEY_ROTATED("io.openclaw.key.rotated", Topics.KEY_EVENTS),
    KEY_RETIRED("io.openclaw.key.retired", Topics.KEY_EVENTS),
    KEY_REVOKED("io.openclaw.key.revoked", Topics.KEY_EVENTS),
    KEY_SUSPENDED("io.openclaw.key.suspended", Topics.KEY_EVENTS),
    KEY_EXPIRING("io.openclaw.key.expiring", Topics.KEY_EVENTS),
    KEY_EXPIRED("io.openclaw.key.expired", Topics.KEY_EVENTS),
    KEY_LEAKED("io.openclaw.key.leaked", Topics.KEY_EVENTS),
    KEY_REJECTED("io.openclaw.key.rejected", Topics.KEY_EVENTS),
    KEY_USED("io.openclaw.key.used", Topics.KEY_USAGE),

    // audit-service
    AUDIT_RECORDED("io.openclaw.audit.recorded", Topics.AUDIT_LOG),
    ALERT_RAISED("io.openclaw.alert.raised", Topics.SECURITY_ALERTS),
    ALERT_ACKNOWLEDGED("io.openclaw.alert.acknowledged", Topics.SECURITY_ALERTS),
    ALERT_RESOLVED("io.openclaw.alert.resolved", Topics.SECURITY_ALERTS),

    // commands (automated responses and schedules)
    COMMAND_BLOCK_IP("io.openclaw.command.block_ip", Topics.SECURITY_COMMANDS),
    COMMAND_REVOKE_DEVICE("io.openclaw.command.revoke_device", Topics.SECURITY_COMMANDS),
    COMMAND_SUSPEND_KEY("io.openclaw.command.suspend_key", Topics.SECURITY_COMMANDS),
    COMMAND_REVOKE_KEY("io.openclaw.command.revoke_key", Topics.SECURITY_COMMANDS),
    COMMAND_ROTATE_SIGNING_KEY("io.openclaw.command.rotate_signing_key", Topics.SECURITY_COMMANDS);

    private static final Map<String, EventType> BY_TYPE =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventType::type, Function.identity()));

    private final String type;
    private final String topic;

    EventType(String type, String topic) {
        this.type = type;
        this.topic = topic;
    }

    /** The CloudEvents {@code type} attribute. */
    public String type() {
        return type;
    }

    /** The Kafka topic this type is published to. */
    public String topic() {
        return topic;
    }

    /** Classpath location of this type's JSON Schema. */
    public String schemaResource() {
        return "/io/openclaw/events/schemas/" + type + ".json";
    }

    public static Optional<EventType> of(String type) {
        return Optional.ofNullable(type).map(BY_TYPE::get);
    }
}
