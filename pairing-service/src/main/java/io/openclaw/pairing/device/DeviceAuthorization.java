package io.openclaw.pairing.device;

/** RFC 8628 §3.2 device authorization response. */
public record DeviceAuthorization(
        String deviceCode,
        String userCode,
        String verificationUri,
        String verificationUriComplete,
        long expiresIn,
        int interval) {}
