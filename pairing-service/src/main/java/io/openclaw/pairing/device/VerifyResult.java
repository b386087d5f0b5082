package io.openclaw.pairing.device;

import java.util.List;

/** The owner's decision on a device authorization. */
public record VerifyResult(String authorizationId, String status, List<String> scopes) {}
