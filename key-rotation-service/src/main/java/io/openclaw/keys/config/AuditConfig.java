package io.openclaw.keys.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The platform's fail-closed audit switch ({@code openclaw.audit.*}), shared by every service. */
@ConfigMapping(prefix = "openclaw.audit")
public interface AuditConfig {

    /**
     * When true, key creation, key rotation and account creation answer 503 unless their event was
     * acknowledged by Kafka within {@link #failClosedTimeout()}; nothing is handed out without its event.
     */
    @WithDefault("false")
    boolean failClosed();

    /** How long such an operation waits for the broker's acknowledgement of its event. */
    @WithDefault("2s")
    Duration failClosedTimeout();
}
