package io.openclaw.keys.verify;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.openclaw.keys.apikey.ApiKey;
import java.time.Instant;
import java.util.List;

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
    public Answer body() {
        return new Answer(
                valid(),
                code.name(),
                key == null ? null : key.id(),
                key == null ? null : key.accountId(),
                key == null ? null : key.scopes(),
                key == null ? null : key.expiresAt(),
                key != null && key.stage().equals(ApiKey.PREVIOUS) ? key.graceUntil() : null,
                retryAfterSeconds,
                key != null && key.rateLimitRequests() != null);
    }

    /**
     * What {@code POST /v1/keys/verify} answers: the first six fields always (null when the key is unknown),
     * {@code grace_until} for a key in its rotation grace, {@code retry_after} when rate-limited, and
     * {@code rate_limited}, whether the key has a rate limit: every verification counts against it, so a caller
     * must not reuse a positive answer about such a key. A typed answer, so the JSON writer is chosen once
     * rather than per entry of a map.
     */
    public record Answer(
            boolean valid,
            String code,
            @JsonInclude(JsonInclude.Include.ALWAYS) String keyId,
            @JsonInclude(JsonInclude.Include.ALWAYS) String accountId,
            @JsonInclude(JsonInclude.Include.ALWAYS) List<String> scopes,
            @JsonInclude(JsonInclude.Include.ALWAYS) Instant expiresAt,
            @JsonInclude(JsonInclude.Include.NON_NULL) Instant graceUntil,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("retry_after") Long retryAfterSeconds,
            @JsonProperty("rate_limited") boolean rateLimited) {}
}
