package io.openclaw.pairing.redeem;

/** Body of {@code POST /internal/v1/redemptions}, sent by token-service. */
public record RedemptionRequest(String code, String sourceIp, String userAgent) {}
