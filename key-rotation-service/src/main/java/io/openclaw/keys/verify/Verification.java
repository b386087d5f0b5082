package io.openclaw.keys.verify;

import io.openclaw.keys.apikey.ApiKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What verification tells the caller, and, apart from it, the reason recorded in events (never exposed).
 */
public record Verification(VerifyCode code, ApiKey key, String reason, Long retryAfterSeconds) {

    public static Verification of(VerifyCode code, ApiKey key, String reason) {
        return new Verification(code, key, reason, null);
    }

    public boolean valid() {
        return code == VerifyCode.VALID;
    }

    /** The response body: {@code valid code key_id account_id scopes expires_at}. */
    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("valid", valid());
        body.put("code", code.name());
        body.put("key_id", key == null ? null : key.id());
        body.put("account_id", key == null ? null : key.accountId());
        List<String> scopes = key == null ? null : key.scopes();
        body.put("scopes", scopes);
        Instant expiresAt = key == null ? null : key.expiresAt();
        body.put("expires_at", expiresAt);
        if (key != null && key.stage().equals(ApiKey.PREVIOUS)) {
            body.put("grace_until", key.graceUntil());
        }
        if (retryAfterSeconds != null) {
            body.put("retry_after", retryAfterSeconds);
        }
        return body;
    }
}
