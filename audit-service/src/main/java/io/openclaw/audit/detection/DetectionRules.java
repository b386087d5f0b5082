package io.openclaw.audit.detection;

import io.openclaw.audit.config.AuditConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The rules with their configured thresholds, in the order of the issue. */
@ApplicationScoped
public class DetectionRules {

    private final AuditConfig.Rules config;

    public DetectionRules(AuditConfig config) {
        this.config = config.rules();
    }

    public AuditConfig.Rules config() {
        return config;
    }

    public List<Rule> all() {
        var bf = config.bruteForce();
        var rc = config.revokedCredential();
        var spike = config.usageSpike();
        var mass = config.massChange();
        return List.of(
                new Rule(
                        Rule.BRUTE_FORCE_IP,
                        1,
                        "Failed pairing redemptions from one IP address in a sliding window",
                        "high",
                        map(
                                "window",
                                bf.window().toString(),
                                "failures",
                                bf.perIp(),
                                "block_for",
                                bf.blockFor().toString()),
                        "io.openclaw.command.block_ip"),
                new Rule(
                        Rule.BRUTE_FORCE_NETWORK,
                        1,
                        "Failed pairing redemptions from one /24 (IPv4) or /64 (IPv6) network in a sliding window",
                        "high",
                        map(
                                "window",
                                bf.window().toString(),
                                "failures",
                                bf.perNetwork(),
                                "block_for",
                                bf.blockFor().toString()),
                        "io.openclaw.command.block_ip"),
                new Rule(
                        Rule.BRUTE_FORCE_ACCOUNT,
                        1,
                        "Failed pairing redemptions against one account in a sliding window",
                        "high",
                        map("window", bf.window().toString(), "failures", bf.perAccount()),
                        null),
                new Rule(
                        Rule.REFRESH_REUSE,
                        2,
                        "A rotated refresh token was presented again (token-service already revoked the family)",
                        "critical",
                        map(),
                        null),
                new Rule(
                        Rule.REVOKED_CREDENTIAL,
                        3,
                        "Use of a revoked or expired token or API key; medium at once, high when repeated",
                        "medium",
                        map("window", rc.window().toString(), "repeated", rc.repeated(), "reasons", rc.reasons()),
                        null),
                new Rule(
                        Rule.USAGE_SPIKE,
                        4,
                        "API-key uses in a minute above an EWMA baseline by a factor, above a minimum volume",
                        "high",
                        map(
                                "factor",
                                spike.factor(),
                                "min_volume",
                                spike.minVolume(),
                                "alpha",
                                spike.alpha(),
                                "warmup_minutes",
                                spike.warmupMinutes(),
                                "suspend_accounts",
                                spike.suspendAccounts().map(List::size).orElse(0)),
                        "io.openclaw.command.suspend_key (accounts that opted in)"),
                new Rule(
                        Rule.NEW_NETWORK,
                        5,
                        "First successful use of a key from a network not seen for it within the memory period",
                        "low",
                        map("memory", config.newNetwork().memory().toString()),
                        null),
                new Rule(
                        Rule.ALLOWLIST,
                        6,
                        "API key presented from an address outside its CIDR allowlist",
                        "medium",
                        map("reasons", config.allowlist().reasons()),
                        null),
                new Rule(
                        Rule.MASS_ISSUANCE,
                        7,
                        "Many pairing codes, keys or device approvals issued by one actor in a sliding window",
                        "high",
                        map("window", mass.window().toString(), "count", mass.issuance()),
                        null),
                new Rule(
                        Rule.MASS_REVOCATION,
                        7,
                        "Many keys, tokens, devices or codes revoked by one actor in a sliding window",
                        "high",
                        map("window", mass.window().toString(), "count", mass.revocation()),
                        null));
    }

    private Map<String, Object> map(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        m.put("dedup_window", config.dedupWindow().toString());
        return m;
    }
}
