package io.openclaw.pairing.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The platform-wide fail-closed audit switch ({@code openclaw.audit.*}, or {@code OPENCLAW_AUDIT_*}). */
@ConfigMapping(prefix = "openclaw.audit")
public interface AuditConfig {

    /**
     * When on, code issuance and device authorization answer 503 unless their event reached Kafka within
     * {@link #failClosedTimeout()}; nothing is handed out without its event.
     */
    @WithDefault("false")
    boolean failClosed();

    /** How long a fail-closed request waits for the broker to acknowledge its event. */
    @WithDefault("2s")
    Duration failClosedTimeout();
}
