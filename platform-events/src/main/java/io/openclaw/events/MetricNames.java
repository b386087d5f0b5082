package io.openclaw.events;

/**
 * Names of the business metrics the services publish (Micrometer names; Prometheus renders dots as
 * underscores and adds {@code _total} to counters and the base unit to timers and gauges). The alerting
 * rules in deploy/ and the dashboards rely on them, so they are defined once here.
 */
public final class MetricNames {

    /** Counter, tags {@code outcome} (success|failure) and {@code reason}: pairing-code redemptions. */
    public static final String PAIRING_REDEMPTIONS = "openclaw.pairing.redemptions";

    /** Counter, tag {@code outcome}: pairing codes issued, revoked, expired. */
    public static final String PAIRING_CODES = "openclaw.pairing.codes";

    /** Counter, tags {@code grant_type} and {@code outcome}: token endpoint answers by grant. */
    public static final String TOKEN_GRANTS = "openclaw.token.grants";

    /** Counter: refresh-token reuse detections (each revokes a family). */
    public static final String REFRESH_REUSE_DETECTED = "openclaw.token.refresh.reuse.detected";

    /** Counter, tag {@code code}: API-key verifications by outcome code. */
    public static final String KEY_VERIFICATIONS = "openclaw.keys.verifications";

    /** Gauge in seconds, tag {@code service}: age of the oldest event not yet acknowledged by Kafka. */
    public static final String OUTBOX_LAG = "openclaw.outbox.lag";

    /** Counter, tags {@code rule} and {@code severity}: alerts raised by detection. */
    public static final String ALERTS_RAISED = "openclaw.audit.alerts.raised";

    /** Counter, tag {@code reason}: events the audit log refused and sent to the dead-letter topic. */
    public static final String AUDIT_DEAD_LETTERS = "openclaw.audit.dead.letters";

    /**
     * Counter, tags {@code consumer} and {@code reason} (malformed|failed): records a service's consumer sent to
     * {@code openclaw.consumer.dead-letter} instead of applying them.
     */
    public static final String CONSUMER_DEAD_LETTERS = "openclaw.consumer.dead.letters";

    /** Counter, tag {@code service}: operations refused by the fail-closed audit switch. */
    public static final String FAIL_CLOSED_REFUSALS = "openclaw.audit.fail.closed.refusals";

    private MetricNames() {}
}
