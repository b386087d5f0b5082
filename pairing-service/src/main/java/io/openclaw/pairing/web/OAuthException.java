package io.openclaw.pairing.web;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Ends an OAuth endpoint's request with an RFC 6749 §5.2 error ({@code error}, {@code error_description}). */
public class OAuthException extends RuntimeException {

    private final int status;
    private final Body body;

    public OAuthException(int status, String error, String description) {
        this(status, new Body(error, description, null));
    }

    public OAuthException(int status, Body body) {
        super(body.error(), null, false, false);
        this.status = status;
        this.body = body;
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
