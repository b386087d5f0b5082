package io.openclaw.audit.detection;

import java.util.Map;

/**
 * A detection rule as listed at {@code GET /v1/audit/rules}: what it watches, the severity it raises, its
 * thresholds and the command it may issue.
 */
public record Rule(
        String id, int number, String description, String severity, Map<String, Object> thresholds, String command) {

    public static final String BRUTE_FORCE_IP = "pairing_brute_force_ip";
    public static final String BRUTE_FORCE_NETWORK = "pairing_brute_force_network";
    public static final String BRUTE_FORCE_ACCOUNT = "pairing_brute_force_account";
    public static final String REFRESH_REUSE = "refresh_token_reuse";
    public static final String REVOKED_CREDENTIAL = "revoked_credential_use";
    public static final String USAGE_SPIKE = "api_key_usage_spike";
    public static final String NEW_NETWORK = "api_key_new_network";
    public static final String ALLOWLIST = "allowlist_violation";
    public static final String MASS_ISSUANCE = "mass_issuance";
    public static final String MASS_REVOCATION = "mass_revocation";
}
