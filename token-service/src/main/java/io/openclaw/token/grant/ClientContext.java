package io.openclaw.token.grant;

import io.openclaw.events.SecretGuard;
import io.openclaw.token.events.RequestValues;

/**
 * Where a request came from, for events and for key-rotation-service's IP allowlist. The user agent ends up
 * in events: it loses control characters and is cut to the schemas' 512 characters, and one that carries
 * something shaped like a credential is redacted, as events never hold one.
 */
public record ClientContext(String sourceIp, String userAgent) {

    public static final String REDACTED = "[redacted]";

    public ClientContext {
        userAgent = RequestValues.userAgent(userAgent);
        if (SecretGuard.looksLikeCredential(userAgent)) {
            userAgent = REDACTED;
        }
    }
}
