package io.openclaw.pairing.code;

import java.util.List;

/** Body of {@code GET /v1/pairing-codes}. */
public record ActiveCodes(List<ActiveCode> items) {}
