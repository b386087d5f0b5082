package io.openclaw.keys.verify;

import java.util.List;

/** {@code POST /v1/keys/verify}: the key, the scopes the caller needs, where the request came from. */
public record VerifyRequest(String key, List<String> requiredScopes, String clientIp, String userAgent) {}
