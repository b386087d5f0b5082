package io.openclaw.audit.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Configuration of the audit service. Every property can be set as OPENCLAW_AUDIT_... in the environment. */
@ConfigMapping(prefix = "openclaw.audit")
public interface AuditConfig {

    /** How events are consumed into the audit log. */
    Ingest ingest();

    /** How stored records and alert changes are relayed to Kafka. */
    Relay relay();

    /** The query API. */
    Query query();

    /** Detection rules and their thresholds. */
    Rules rules();

    interface Ingest {
        /** Whether the ingest loop runs at all (off only for tools that read the store). */
        @WithDefault("true")
        boolean enabled();

        /** Consumer group of the audit log writer. */
        @WithDefault("openclaw-audit-log")
        String groupId();

        /** Topics stored in the audit log. */
        @WithDefault("openclaw.pairing.events,openclaw.token.events,openclaw.key.events,openclaw.key.usage,"
                + "openclaw.security.alerts,openclaw.security.commands")
        List<String> topics();

        /** Most records written in one database transaction. */
        @WithDefault("2000")
        int maxBatch();

        /**
         * Writer threads, each a consumer of the group with its own connection: the partitions (and so the hash
         * chains, one per partition) are shared out among them, and one writer's database round trip overlaps
         * another's parsing and hashing. More writers than partitions idle.
         */
        @WithDefault("2")
        int writers();

        /**
         * How long one poll blocks waiting for records (the loop sleeps in the broker fetch meanwhile, it does
         * not spin; stopping wakes it at once).
         */
        @WithDefault("PT1S")
        Duration pollTimeout();

        /**
         * Bytes the broker gathers before answering a fetch ({@code fetch.min.bytes}): fewer, larger batches
         * and far fewer fetch requests under light load. Bounded in time by {@link #fetchMaxWait()}.
         */
        @WithDefault("65536")
        int fetchMinBytes();

        /**
         * Longest the broker holds a fetch waiting for {@link #fetchMinBytes()} ({@code fetch.max.wait.ms}): the
         * extra delay before an event is stored under light load, and the pace of fetches while idle. Alerts do
         * not wait for it (detection reads the topics on its own).
         */
        @WithDefault("PT0.5S")
        Duration fetchMaxWait();

        /** Pause before retrying a batch the database refused. */
        @WithDefault("PT1S")
        Duration retryBackoff();
    }

    interface Relay {
        /** How often the outbox is checked when nothing signalled new rows. */
        @WithDefault("PT1S")
        Duration interval();

        /** Most outbox rows published per round (one row holds the SIEM copies of a whole ingest batch). */
        @WithDefault("20")
        int batch();
    }

    interface Query {
        /** Page size when the caller gives no limit. */
        @WithDefault("50")
        int defaultLimit();

        /** Largest page a caller may ask for. */
        @WithDefault("500")
        int maxLimit();
    }

    interface Rules {
        /** An alert for the same rule and subject is raised at most once within this window. */
        @WithDefault("PT10M")
        Duration dedupWindow();

        /** Rule 1: failed pairing redemptions. */
        BruteForce bruteForce();

        /** Rule 3: use of revoked or expired credentials. */
        RevokedCredential revokedCredential();

        /** Rule 4: API-key usage spike over an EWMA baseline. */
        UsageSpike usageSpike();

        /** Rule 5: first use of a key from a network not seen for it recently. */
        NewNetwork newNetwork();

        /** Rule 6: allowlist violations. */
        Allowlist allowlist();

        /** Rule 7: mass issuance or mass revocation by one actor. */
        MassChange massChange();
    }

    interface BruteForce {
        /** Sliding window over which failures are counted. */
        @WithDefault("PT10M")
        Duration window();

        /** Failures from one IP address that raise an alert and block the IP. */
        @WithDefault("10")
        int perIp();

        /** Failures from one /24 (IPv4) or /64 (IPv6) network that raise an alert and block the network. */
        @WithDefault("30")
        int perNetwork();

        /** Failures against one account that raise an alert. */
        @WithDefault("20")
        int perAccount();

        /** How long a block_ip command blocks. */
        @WithDefault("PT1H")
        Duration blockFor();

        /** Rejection reasons that count as a failed guess. */
        @WithDefault(
                "invalid_code,invalid_format,code_expired,code_used,code_superseded,too_many_attempts,invalid_user_code")
        List<String> reasons();
    }

    interface RevokedCredential {
        /** Window over which repeated use is counted. */
        @WithDefault("PT10M")
        Duration window();

        /** Uses of the same revoked or expired credential within the window that raise a high alert. */
        @WithDefault("5")
        int repeated();

        /** Rejection reasons (token and key verification codes) that mean a revoked or expired credential. */
        @WithDefault(
                "token_revoked,token_expired,family_revoked,refresh_token_revoked,refresh_token_expired,REVOKED,EXPIRED")
        List<String> reasons();
    }

    interface UsageSpike {
        /** The current minute's count must exceed the baseline times this factor. */
        @WithDefault("5.0")
        double factor();

        /** Fewest uses in a minute before a spike is considered. */
        @WithDefault("100")
        int minVolume();

        /** Weight of the newest minute in the EWMA baseline (0..1). */
        @WithDefault("0.3")
        double alpha();

        /** Minutes of history a key needs before its baseline is trusted. */
        @WithDefault("5")
        int warmupMinutes();

        /** Accounts that opted in to an automatic suspend_key command on a spike. */
        Optional<List<String>> suspendAccounts();
    }

    interface NewNetwork {
        /** How long a network stays known for a key after its last use. */
        @WithDefault("P30D")
        Duration memory();
    }

    interface Allowlist {
        /** Verification codes that mean an allowlist violation. */
        @WithDefault("IP_NOT_ALLOWED")
        List<String> reasons();
    }

    interface MassChange {
        /** Sliding window over which one actor's changes are counted. */
        @WithDefault("PT10M")
        Duration window();

        /** Issuances by one actor within the window that raise an alert. */
        @WithDefault("50")
        int issuance();

        /** Revocations by one actor within the window that raise an alert. */
        @WithDefault("20")
        int revocation();
    }
}
