package io.openclaw.pairing.web;

import java.time.Duration;

/** Ends a request with a problem+json answer: what the caller is told, never internals. */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String code;
    private final Duration retryAfter;

    public ProblemException(int status, String code, String detail) {
        this(status, code, detail, null);
    }

    public ProblemException(int status, String code, String detail, Duration retryAfter) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    public static ProblemException badRequest(String code, String detail) {
        return new ProblemException(400, code, detail);
    }

    public static ProblemException tooManyAttempts(Duration retryAfter) {
        return new ProblemException(
                429, "too_many_attempts", "too many failed attempts from this source; retry later", retryAfter);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** For 429 answers: how long until the lockout ends. */
    public Duration retryAfter() {
        return retryAfter;
    }

    public Problem problem() {
        return Problem.of(status, code, getMessage());
    }
}
