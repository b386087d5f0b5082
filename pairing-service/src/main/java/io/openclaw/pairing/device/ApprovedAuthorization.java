package io.openclaw.pairing.device;

import java.util.List;

/** An approved device authorization, handed out exactly once. */
public record ApprovedAuthorization(String authorizationId, String accountId, List<String> scopes) {}
