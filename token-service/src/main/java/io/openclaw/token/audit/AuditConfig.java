package io.openclaw.token.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The fail-closed audit switch ({@code openclaw.audit.*}), the same keys in every service. */
@ConfigMapping(prefix = "openclaw.audit")
public interface AuditConfig {

    /**
     * When true, grants and signing-key rotations answer 503 ({@code temporarily_unavailable}) unless their
     * event reached Kafka within {@link #failClosedTimeout()}: nothing is handed out without its audit event.
     * Revocations are never refused.
     */
    @WithDefault("false")
    boolean failClosed();

    /** How long a fail-closed operation waits for the broker to acknowledge its event. */
    @WithDefault("2s")
    Duration failClosedTimeout();
}
