package io.openclaw.pairing.code;

import java.util.List;

/** Body of {@code POST /v1/pairing-codes}. */
public record IssueCodeRequest(List<String> scopes, Integer ttlSeconds, String label) {}
