package io.openclaw.token.access;

import java.util.List;
import java.util.Map;

/**
 * An access token whose signature, header and claim types were checked. Its lifetime and the denylist
 * are checked on every use (see {@link AccessTokenVerifier}), since they change while the token doesn't.
 */
public record VerifiedAccessToken(
        String kid,
        String payloadJson,
        Map<String, Object> claims,
        String issuer,
        List<String> audience,
        String subject,
        String jti,
        String accountId,
        String scope,
        String clientId,
        List<String> groups,
        long issuedAt,
        long expiresAt,
        Long notBefore) {

    /** Whether the token carries a scope (as {@code groups}, which mirrors {@code scope}). */
    public boolean hasScope(String scope) {
        return groups.contains(scope);
    }
}
