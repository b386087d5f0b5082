package io.openclaw.token.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** token-service configuration ({@code openclaw.token.*}). */
@ConfigMapping(prefix = "openclaw.token")
public interface TokenConfig {

    /**
     * Key-encryption key for signing keys at rest: base64 of exactly 32 random bytes (AES-256-GCM). Comes
     * from a Kubernetes Secret in production; only the dev and test profiles have a default.
     */
    String kek();

    /** Algorithm of newly generated signing keys: RS256 (default) or ES256. */
    @WithDefault("RS256")
    String signingAlgorithm();

    /** Lifetime of access tokens. */
    @WithDefault("PT900S")
    Duration accessTokenLifetime();

    /** Lifetime of the service JWT token-service presents to pairing-service and key-rotation-service. */
    @WithDefault("PT5M")
    Duration serviceTokenLifetime();

    /** Absolute lifetime of a refresh-token family, counted from the exchange that created it. */
    @WithDefault("P30D")
    Duration refreshAbsoluteLifetime();

    /** Idle lifetime: a family (and its device) unused for this long is dead and swept. */
    @WithDefault("P14D")
    Duration refreshIdleLifetime();

    /**
     * Reuse grace: a rotated refresh token presented again within this window gets the same successor
     * (never a new one) instead of revoking the family. 0 disables it.
     */
    @WithDefault("PT0S")
    Duration refreshReuseGrace();

    /** {@code Cache-Control: max-age} of the JWKS; verifiers cache it at most this long. */
    @WithDefault("PT5M")
    Duration jwksMaxAge();

    /**
     * How long a new signing key is published (state {@code next}) before it signs. Must exceed
     * {@link #jwksMaxAge()} so every verifier has it before the first token it signs.
     */
    @WithDefault("PT10M")
    Duration keyPropagationDelay();

    /** Allowed clock skew between token-service and verifiers, added to retirement and used in checks. */
    @WithDefault("PT60S")
    Duration clockSkew();

    /** How often each replica reloads the key ring and advances key states. */
    @WithDefault("PT5S")
    Duration keyRingRefresh();

    /** Base URL of pairing-service. */
    @WithDefault("http://localhost:8081")
    String pairingUrl();

    /** Base URL of key-rotation-service. */
    @WithDefault("http://localhost:8083")
    String keysUrl();

    /** How long a positive API-key verification is cached (seconds at most). */
    @WithDefault("PT5S")
    Duration keyVerificationCache();

    /** How often the outbox relay looks for unpublished events when not woken. */
    @WithDefault("PT0.2S")
    Duration outboxPollInterval();

    /**
     * How long the outbox relay, once woken by a commit, lets further commits gather before it takes a batch:
     * fewer, fuller produce requests for the broker, at this much added publish latency.
     */
    @WithDefault("PT0.005S")
    Duration outboxLinger();

    /** How often the idle-device job runs (a replica at a time), e.g. {@code 15m}. */
    @WithDefault("15m")
    String idleSweepInterval();

    /** Kafka consumer group for key events and security commands. */
    @WithDefault("token-service")
    String consumerGroup();
}
