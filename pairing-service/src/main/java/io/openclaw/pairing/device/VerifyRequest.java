package io.openclaw.pairing.device;

import java.util.List;

/** Body of {@code POST /v1/device/verify}: approve (optionally with fewer scopes) or deny. */
public record VerifyRequest(String userCode, String action, List<String> scopes) {}
