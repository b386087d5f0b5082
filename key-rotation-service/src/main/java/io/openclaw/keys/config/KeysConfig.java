package io.openclaw.keys.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Configuration of the key rotation service ({@code openclaw.keys.*}). */
@ConfigMapping(prefix = "openclaw.keys")
public interface KeysConfig {

    /** The bootstrap platform-admin API key itself, from a Secret (env OPENCLAW_KEYS_BOOTSTRAP_ADMIN_KEY). */
    Optional<String> bootstrapAdminKey();

    /** Hex SHA-256 of the bootstrap platform-admin key, when only its hash is configured. */
    Optional<String> bootstrapAdminKeySha256();

    /**
     * Base64 of 32 random bytes (from a Secret, env OPENCLAW_KEYS_SEALING_KEY): seals the successor of a
     * scheduled rotation until its owner collects it. Without it, scheduled rotations are not started.
     */
    Optional<String> sealingKey();

    /** Id of the bootstrap platform-admin key. */
    @WithDefault("key_platform_admin")
    String bootstrapAdminKeyId();

    /** Scopes of the bootstrap platform-admin key. */
    @WithDefault(
            "platform:admin,keys:manage,keys:verify,tokens:introspect,audit:read,alerts:manage,devices:read,devices:revoke,pairing:issue")
    List<String> bootstrapAdminScopes();

    /** Device-scope catalog given to an account created without one. */
    @WithDefault("data:read,data:write,device:control,user:profile:read,ai:sentiment_analysis,ai:translation")
    List<String> defaultDeviceScopes();

    /** Verification hot path. */
    Verification verification();

    /** Access tokens already verified, remembered by their SHA-256 (see VerifiedCallerCache). */
    CallerCache callerCache();

    /** Scheduled work: rotations, expiry notices, signing-key schedule. */
    Schedule schedule();

    /** Transactional outbox relay. */
    Outbox outbox();

    /** Usage events on {@code openclaw.key.usage}. */
    Usage usage();

    /** The secret-scanning endpoint. */
    Leaks leaks();

    /** Verification settings. */
    interface Verification {
        /** How long a looked-up key (or a miss) is answered from the in-process cache. */
        @WithDefault("5s")
        Duration cacheTtl();

        /** Most entries the in-process cache holds before it starts over. */
        @WithDefault("100000")
        int cacheMaxEntries();
    }

    /** Verified-caller cache settings. */
    interface CallerCache {
        /** Whether verified access tokens are remembered at all. */
        @WithDefault("true")
        boolean enabled();

        /** Longest a verified token is remembered (never beyond its {@code exp}). */
        @WithDefault("60s")
        Duration maxTtl();

        /** Most tokens remembered before the cache starts over. */
        @WithDefault("10000")
        int maxEntries();
    }

    /** Scheduled work settings. */
    interface Schedule {
        /** How often each replica looks for due rotations, expiring keys and schedules. */
        @WithDefault("10s")
        String tick();

        /** Most rotations started per tick and replica. */
        @WithDefault("100")
        int batchSize();

        /** Grace of a scheduled rotation when the key's policy names none. */
        @WithDefault("86400")
        int defaultGraceSeconds();

        /** Days before expiry at which {@code io.openclaw.key.expiring} is published, once each. */
        @WithDefault("30,15,7")
        List<Integer> expiryNoticeDays();

        /** How often token-service is told to rotate its signing key. */
        @WithDefault("P90D")
        Duration signingKeyRotationEvery();

        /** Signing algorithm asked for in {@code rotate_signing_key}. */
        @WithDefault("RS256")
        String signingKeyAlgorithm();
    }

    /** Outbox relay settings. */
    interface Outbox {
        /** Longest wait between two relay passes when nothing wakes the relay. */
        @WithDefault("500ms")
        Duration pollInterval();

        /** Most rows relayed per pass. */
        @WithDefault("200")
        int batchSize();
    }

    /** Usage event settings. */
    interface Usage {
        /** Most usage events waiting to be sent; beyond it new ones are dropped (and counted). */
        @WithDefault("50000")
        int queueCapacity();

        /** Most usage events sent per batch. */
        @WithDefault("500")
        int batchSize();

        /** Longest a usage event waits before its batch is sent. */
        @WithDefault("100ms")
        Duration flushInterval();
    }

    /** Secret-scanning endpoint settings. */
    interface Leaks {
        /** Reports a caller may send per minute. */
        @WithDefault("30")
        int requestsPerMinute();

        /** Most candidate strings in one report. */
        @WithDefault("1000")
        int maxCandidates();
    }
}
