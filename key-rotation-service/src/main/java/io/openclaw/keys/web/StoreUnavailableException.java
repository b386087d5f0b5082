package io.openclaw.keys.web;

/** PostgreSQL (or Redis) cannot be reached: answered as 503 so callers fail closed and retry. */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
