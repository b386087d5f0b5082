package io.openclaw.pairing.device;

/** Body of {@code POST /internal/v1/device-authorizations/poll}, sent by token-service. */
public record PollRequest(String deviceCode, String clientId, String sourceIp) {}
