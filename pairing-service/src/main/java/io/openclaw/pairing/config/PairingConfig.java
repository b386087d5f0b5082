package io.openclaw.pairing.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** Configuration of the pairing service ({@code openclaw.pairing.*}, or {@code OPENCLAW_PAIRING_*}). */
@ConfigMapping(prefix = "openclaw.pairing")
public interface PairingConfig {

    /** Base64 key (at least 32 bytes) of the HMAC under which codes are stored; never logged. */
    String codeHmacKey();

    /** Prefix of every Redis key this service writes. */
    @WithDefault("openclaw:pairing:")
    String keyPrefix();

    /** Where an account owner approves a device flow (RFC 8628 {@code verification_uri}). */
    @WithDefault("http://localhost:8080/device")
    String verificationUri();

    /** The device-scope catalog of an account this service has not heard of. */
    @WithDefault("data:read,data:write,device:control,user:profile:read,ai:sentiment_analysis,ai:translation")
    List<String> defaultDeviceScopes();

    Codes codes();

    Device device();

    BruteForce bruteForce();

    Outbox outbox();

    Inbound inbound();

    TokenCache tokenCache();

    /** Pairing codes. */
    interface Codes {
        /** Lifetime of a code when the request names none. */
        @WithDefault("300")
        int defaultTtlSeconds();

        /** Shortest lifetime a caller may ask for. */
        @WithDefault("60")
        int minTtlSeconds();

        /** Longest lifetime a caller may ask for. */
        @WithDefault("3600")
        int maxTtlSeconds();

        /** How long a used, expired, revoked or superseded code is remembered, so the device is told why. */
        @WithDefault("PT24H")
        Duration tombstone();
    }

    /** RFC 8628 device authorization. */
    interface Device {
        /** Lifetime of a device_code and its user_code ({@code expires_in}). */
        @WithDefault("PT10M")
        Duration lifetime();

        /** Minimum seconds between polls ({@code interval}); each {@code slow_down} adds {@link #slowDownSeconds()}. */
        @WithDefault("5")
        int intervalSeconds();

        /** Seconds added to the interval when a device polls too fast (RFC 8628 §3.5). */
        @WithDefault("5")
        int slowDownSeconds();

        /** How long an expired or denied device_code is kept to be answered once before it is forgotten. */
        @WithDefault("PT10M")
        Duration retention();

        /** Polls one device_code may make in its lifetime before it is expired (its own guess budget). */
        @WithDefault("200")
        int maxPolls();
    }

    /** Brute-force limits on redemptions and approvals. */
    interface BruteForce {
        /** Sliding window over which failures are counted. */
        @WithDefault("PT10M")
        Duration window();

        /** Failures from one IP within the window that lock the IP out. */
        @WithDefault("10")
        int ipFailures();

        /** Failures from one network (/24 IPv4, /64 IPv6) within the window that lock the network out. */
        @WithDefault("50")
        int networkFailures();

        /** The per-network limit while a platform-wide guessing attack is suspected. */
        @WithDefault("10")
        int networkFailuresUnderAttack();

        /** How long a lockout lasts. */
        @WithDefault("PT15M")
        Duration lockout();

        /** Prefix length of an IPv4 source's network. */
        @WithDefault("24")
        int ipv4NetworkPrefix();

        /** Prefix length of an IPv6 source's network. */
        @WithDefault("64")
        int ipv6NetworkPrefix();

        /** Wrong user_code approvals by one approver within the window that lock the approver out. */
        @WithDefault("10")
        int approverFailures();

        /** Platform-wide failures per minute above factor × max(baseline, floor) mean a distributed attack. */
        @WithDefault("10")
        double attackFactor();

        /** Lowest baseline (failures per minute) the attack rule compares against, so a quiet platform is not jumpy. */
        @WithDefault("20")
        double attackFloorPerMinute();

        /** Minutes of history that make the platform-wide baseline. */
        @WithDefault("60")
        int baselineMinutes();

        /** How long limits stay tightened after the rate was last seen above the threshold. */
        @WithDefault("PT5M")
        Duration attackHold();

        /** How often the platform-wide rate is compared with its baseline ({@code off} disables the check). */
        @WithDefault("10s")
        String attackCheckInterval();
    }

    /** The Redis-stream outbox and its relay to Kafka. */
    interface Outbox {
        /** Whether this instance relays the outbox (one instance at a time holds the relay lease). */
        @WithDefault("true")
        boolean relayEnabled();

        /**
         * How long one blocking read of the outbox waits for new entries (a new entry wakes the relay at
         * once); also how often an instance without the lease asks for it, and the pause after a failed
         * publish before the relay tries again.
         */
        @WithDefault("PT1S")
        Duration relayInterval();

        /** Entries relayed per batch. */
        @WithDefault("500")
        int batchSize();

        /** Lifetime of the relay lease; another instance takes over when it lapses. */
        @WithDefault("PT10S")
        Duration lease();

        /** How long the relay waits for the broker to acknowledge a batch before retrying later. */
        @WithDefault("PT15S")
        Duration sendTimeout();
    }

    /**
     * Verified caller access tokens, kept by the SHA-256 of the token so a caller's next request skips the
     * signature check. An entry lives until the token's {@code exp} and at most {@link #maxAge()}, which
     * must stay below the JWKS refresh interval so a key withdrawn from the JWKS stops being accepted no
     * later than without the cache.
     */
    interface TokenCache {
        /** Longest time a verified token is remembered ({@code PT0S} turns the cache off). */
        @WithDefault("PT1M")
        Duration maxAge();

        /** Most tokens remembered; when full, expired entries are dropped, then all. */
        @WithDefault("10000")
        int maxEntries();
    }

    /** Consumption of security commands and account events. */
    interface Inbound {
        /** Whether to consume openclaw.security.commands (block_ip) and openclaw.key.events (accounts). */
        @WithDefault("true")
        boolean enabled();

        /** Kafka consumer group. */
        @WithDefault("pairing-service")
        String groupId();

        /** How long an event id is remembered to drop redeliveries. */
        @WithDefault("P7D")
        Duration dedupe();
    }
}
