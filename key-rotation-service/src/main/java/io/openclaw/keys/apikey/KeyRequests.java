package io.openclaw.keys.apikey;

import com.fasterxml.jackson.annotation.JsonAlias;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Bodies of the key endpoints (snake_case on the wire; unknown fields are refused). */
public final class KeyRequests {

    private KeyRequests() {}

    /** Requests per window. */
    public record RateLimit(
            @JsonAlias({"limit", "max_requests"}) Integer requests,
            @JsonAlias({"window", "per_seconds", "period_seconds", "interval_seconds"}) Integer windowSeconds) {}

    /** Scheduled rotation: every so many days, the old key working for a grace after each rotation. */
    public record RotationPolicy(Integer everyDays, Integer graceSeconds) {}

    /** {@code POST /v1/keys}. */
    public record Create(
            String name,
            List<String> scopes,
            String environment,
            Instant expiresAt,
            @JsonAlias({"allowlist", "ip_allowlist", "cidrs", "allowed_ips"}) List<String> allowedCidrs,
            RateLimit rateLimit,
            RotationPolicy rotationPolicy,
            Map<String, Object> metadata,
            String accountId) {}

    /** {@code PATCH /v1/keys/{id}}: absent fields are left as they are. */
    public record Update(
            String name,
            List<String> scopes,
            Instant expiresAt,
            @JsonAlias({"allowlist", "ip_allowlist", "cidrs", "allowed_ips"}) List<String> allowedCidrs,
            RateLimit rateLimit,
            RotationPolicy rotationPolicy,
            Map<String, Object> metadata,
            String status,
            Boolean enabled) {}

    /** {@code POST /v1/keys/{id}/rotate}. */
    public record Rotate(Integer graceSeconds) {}
}
