package io.openclaw.token.grant;

import io.openclaw.events.SecretGuard;

/**
 * Where a request came from, for events and for key-rotation-service's IP allowlist. A user agent that
 * carries something shaped like a credential is redacted: it ends up in events, which never hold one.
 */
public record ClientContext(String sourceIp, String userAgent) {

    public static final String REDACTED = "[redacted]";

    public ClientContext {
        if (userAgent != null && userAgent.length() > 512) {
            userAgent = userAgent.substring(0, 512);
        }
        if (SecretGuard.looksLikeCredential(userAgent)) {
            userAgent = REDACTED;
        }
    }
}
