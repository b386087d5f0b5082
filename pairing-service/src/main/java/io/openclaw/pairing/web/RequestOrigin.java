package io.openclaw.pairing.web;

import io.openclaw.events.SecretGuard;
import io.vertx.core.http.HttpServerRequest;

/** Where a public request came from, for events: remote address and a bounded, printable user agent. */
public record RequestOrigin(String ip, String userAgent) {

    public static RequestOrigin of(HttpServerRequest request) {
        String ip =
                request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        return new RequestOrigin(ip, userAgent(request.getHeader("User-Agent")));
    }

    /**
     * A user agent fit for an event: printable, at most 512 characters, null when absent or shaped like a
     * credential (the secret guard of the platform's events).
     */
    public static String userAgent(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(raw.length(), 512));
        raw.codePoints().filter(c -> !Character.isISOControl(c)).limit(512).forEach(out::appendCodePoint);
        String agent = out.toString();
        return SecretGuard.looksLikeCredential(agent) ? null : agent;
    }
}
