package io.openclaw.pairing.code;

import java.time.Instant;
import java.util.List;

/** A live code as listed to its account: never the code itself. */
public record ActiveCode(
        String id, List<String> scopes, String label, Instant createdAt, Instant expiresAt, long expiresIn) {}
