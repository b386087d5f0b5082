package io.openclaw.keys.verify;

/** The one answer of a verification. */
public enum VerifyCode {
    VALID,
    MALFORMED,
    NOT_FOUND,
    EXPIRED,
    REVOKED,
    DISABLED,
    IP_NOT_ALLOWED,
    INSUFFICIENT_SCOPE,
    RATE_LIMITED
}
