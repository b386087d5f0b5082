package io.openclaw.keys.apikey;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A stored API key: everything but the key itself, of which only the SHA-256 is kept. */
public record ApiKey(
        String id,
        String accountId,
        String name,
        byte[] keyHash,
        String displayPrefix,
        Environment environment,
        List<String> scopes,
        List<String> allowedCidrs,
        Integer rateLimitRequests,
        Integer rateLimitWindowSeconds,
        Integer rotationEveryDays,
        Integer rotationGraceSeconds,
        Map<String, Object> metadata,
        String status,
        String stage,
        Instant expiresAt,
        Instant graceUntil,
        String rotatedFrom,
        String successorId,
        Instant nextRotationAt,
        Instant createdAt,
        Instant updatedAt,
        Instant revokedAt) {

    public static final String ACTIVE = "active";
    public static final String DISABLED = "disabled";
    public static final String REVOKED = "revoked";
    public static final String RETIRED = "retired";

    public static final String CURRENT = "current";
    public static final String PENDING = "pending";
    public static final String PREVIOUS = "previous";

    /** A successor with the same properties, a new id and hash, as the current key of its account. */
    public ApiKey successor(String newId, byte[] newHash, String newPrefix, String newStage, Instant now) {
        Instant nextRotation =
                rotationEveryDays == null ? null : now.plus(java.time.Duration.ofDays(rotationEveryDays));
        return new ApiKey(
                newId,
                accountId,
                name,
                newHash,
                newPrefix,
                environment,
                scopes,
                allowedCidrs,
                rateLimitRequests,
                rateLimitWindowSeconds,
                rotationEveryDays,
                rotationGraceSeconds,
                metadata,
                ACTIVE,
                newStage,
                expiresAt,
                null,
                id,
                null,
                nextRotation,
                now,
                now,
                null);
    }
}
