package io.openclaw.token.grant;

import java.util.Map;

/**
 * An RFC 6749 §5.2 error answer: {@code error} and {@code error_description} are what the client is told;
 * {@code auditReason} is what the audit log records and may say more.
 */
public class OAuthException extends RuntimeException {

    private final int status;
    private final String error;
    private final String description;
    private final String auditReason;
    private final Map<String, String> headers;

    public OAuthException(
            int status, String error, String description, String auditReason, Map<String, String> headers) {
        super(error + ": " + description, null, false, false);
        this.status = status;
        this.error = error;
        this.description = description;
        this.auditReason = auditReason;
        this.headers = headers;
    }

    public static OAuthException invalidRequest(String description) {
        return new OAuthException(400, "invalid_request", description, "invalid_request", Map.of());
    }

    public static OAuthException invalidGrant(String description, String auditReason) {
        return new OAuthException(400, "invalid_grant", description, auditReason, Map.of());
    }

    public static OAuthException invalidScope(String description) {
        return new OAuthException(400, "invalid_scope", description, "invalid_scope", Map.of());
    }

    public static OAuthException invalidClient(String auditReason) {
        return new OAuthException(
                401,
                "invalid_client",
                "client authentication failed",
                auditReason,
                Map.of("WWW-Authenticate", "Basic realm=\"openclaw\""));
    }

    /** RFC 6750 §3.1: the caller's bearer token is missing, invalid, expired or revoked. */
    public static OAuthException invalidToken() {
        return new OAuthException(
                401,
                "invalid_token",
                "a valid bearer token is required",
                "invalid_token",
                Map.of("WWW-Authenticate", "Bearer realm=\"openclaw\", error=\"invalid_token\""));
    }

    /** RFC 6750 §3.1: the caller's bearer token lacks the scope the endpoint requires. */
    public static OAuthException insufficientScope(String scope) {
        return new OAuthException(
                403,
                "insufficient_scope",
                "the token lacks the scope " + scope,
                "insufficient_scope",
                Map.of(
                        "WWW-Authenticate",
                        "Bearer realm=\"openclaw\", error=\"insufficient_scope\", scope=\"" + scope + "\""));
    }

    public static OAuthException unsupportedGrantType(String grantType) {
        return new OAuthException(
                400, "unsupported_grant_type", "grant_type is not supported", "unsupported_grant_type", Map.of());
    }

    public static OAuthException temporarilyUnavailable(String description) {
        return new OAuthException(
                503, "temporarily_unavailable", description, "upstream_unavailable", Map.of("Retry-After", "5"));
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String description() {
        return description;
    }

    public String auditReason() {
        return auditReason;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
