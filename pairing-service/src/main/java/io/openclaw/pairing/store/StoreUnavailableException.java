package io.openclaw.pairing.store;

/** Redis could not be reached or did not answer: the caller is refused (fail closed), never let through. */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
