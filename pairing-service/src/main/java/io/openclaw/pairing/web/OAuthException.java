package io.openclaw.pairing.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;

/** Ends an OAuth endpoint's request with an RFC 6749 §5.2 error ({@code error}, {@code error_description}). */
public class OAuthException extends RuntimeException {

    private final int status;
    private final Body body;
    private final Duration retryAfter;

    public OAuthException(int status, String error, String description) {
        this(status, new Body(error, description, null));
    }

    public OAuthException(int status, Body body) {
        this(status, body, null);
    }

    /** An error the client may retry after the given time ({@code Retry-After}), e.g. temporarily_unavailable. */
    public OAuthException(int status, Body body, Duration retryAfter) {
        super(body.error(), null, false, false);
        this.status = status;
        this.body = body;
        this.retryAfter = retryAfter;
    }

    /** When set, how long until the client should retry. */
    public Duration retryAfter() {
        return retryAfter;
    }

    public int status() {
        return status;
    }

    public Body body() {
        return body;
    }

    /** The JSON error body; {@code interval} is set on {@code slow_down}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Body(String error, String errorDescription, Integer interval) {}
}
