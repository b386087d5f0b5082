package io.openclaw.events;

import java.util.List;

/** Kafka topic names. Every producer and consumer on the platform uses these constants. */
public final class Topics {

    /** Pairing codes, device authorizations, lockouts. Key: account id. */
    public static final String PAIRING_EVENTS = "openclaw.pairing.events";

    /** Token issuance, refresh, revocation, reuse detection, signing-key changes. Key: account id. */
    public static final String TOKEN_EVENTS = "openclaw.token.events";

    /** Accounts and API-key lifecycle, verification rejections. Key: account id. */
    public static final String KEY_EVENTS = "openclaw.key.events";

    /** High-volume API-key usage (every verification). Key: key id. */
    public static final String KEY_USAGE = "openclaw.key.usage";

    /** Normalised, hash-chained audit records for SIEM subscribers. Key: account id. */
    public static final String AUDIT_LOG = "openclaw.audit.log";

    /** Alerts raised by detection rules. Key: account id. */
    public static final String SECURITY_ALERTS = "openclaw.security.alerts";

    /** Automated responses (block_ip, revoke_device, suspend_key, revoke_key, rotate_signing_key). */
    public static final String SECURITY_COMMANDS = "openclaw.security.commands";

    /** Events the audit service could not parse or validate. */
    public static final String AUDIT_DEAD_LETTER = "openclaw.audit.dead-letter";

    /**
     * Records a service's consumer gave up on: not a CloudEvent, or failing in a way retrying cannot cure.
     * Headers {@code dlq_consumer}, {@code dlq_reason}, {@code dlq_detail} and where the record came from.
     */
    public static final String CONSUMER_DEAD_LETTER = "openclaw.consumer.dead-letter";

    /** Every topic above, in the order a local broker creates them. */
    public static final List<String> ALL = List.of(
            PAIRING_EVENTS,
            TOKEN_EVENTS,
            KEY_EVENTS,
            KEY_USAGE,
            AUDIT_LOG,
            SECURITY_ALERTS,
            SECURITY_COMMANDS,
            AUDIT_DEAD_LETTER,
            CONSUMER_DEAD_LETTER);

    private Topics() {}
}
