package io.openclaw.token.upstream;

/** pairing-service or key-rotation-service did not answer usefully: grants answer 503. */
public class UpstreamUnavailableException extends RuntimeException {

    public UpstreamUnavailableException(String message) {
        super(message);
    }

    public UpstreamUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
