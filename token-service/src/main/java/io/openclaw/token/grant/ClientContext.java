package io.openclaw.token.grant;

/** Where a request came from, for events and for key-rotation-service's IP allowlist. */
public record ClientContext(String sourceIp, String userAgent) {

    public ClientContext {
        if (userAgent != null && userAgent.length() > 512) {
            userAgent = userAgent.substring(0, 512);
        }
    }
}
