package io.openclaw.events.delivery;

/**
 * A security-relevant operation is refused because, with the fail-closed audit switch on, its event could
 * not be handed to Kafka within the bound. Services answer it with 503 and {@code Retry-After}.
 */
public class AuditUnavailableException extends RuntimeException {

    public AuditUnavailableException(String message) {
        super(message, null, false, false);
    }
}
