package io.openclaw.keys.apikey;

import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON shape of a key: never its hash, never the key (except once, on creation and rotation). */
public final class KeyViews {

    private KeyViews() {}

    public static Map<String, Object> view(ApiKey key) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", key.id());
        view.put("account_id", key.accountId());
        view.put("name", key.name());
        view.put("prefix", key.displayPrefix());
        view.put("environment", key.environment().wire());
        view.put("scopes", key.scopes());
        view.put("allowed_cidrs", key.allowedCidrs());
        view.put(
                "rate_limit",
                key.rateLimitRequests() == null
                        ? null
                        : Map.of("requests", key.rateLimitRequests(), "window_seconds", key.rateLimitWindowSeconds()));
        Map<String, Object> policy = null;
        if (key.rotationEveryDays() != null) {
            policy = new LinkedHashMap<>();
            policy.put("every_days", key.rotationEveryDays());
            policy.put("grace_seconds", key.rotationGraceSeconds());
        }
        view.put("rotation_policy", policy);
        view.put("metadata", key.metadata());
        view.put("status", key.status());
        view.put("stage", key.stage());
        view.put("expires_at", key.expiresAt());
        view.put("grace_until", key.graceUntil());
        view.put("rotated_from", key.rotatedFrom());
        view.put("successor_id", key.successorId());
        view.put("next_rotation_at", key.nextRotationAt());
        view.put("created_at", key.createdAt());
        view.put("updated_at", key.updatedAt());
        view.put("revoked_at", key.revokedAt());
        return view;
    }

    /** A new key with the key itself, shown this once. */
    public static Map<String, Object> withSecret(ApiKey key, String secret) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", key.id());
        view.put("key", secret);
        view.putAll(view(key));
        return view;
    }
}
