package io.openclaw.token.events;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import java.time.Instant;

/** Starts every event token-service publishes. */
public final class TokenEvents {

    public static final String SOURCE = "/token-service";
    public static final String SERVICE_ACTOR = "svc:token-service";

    private TokenEvents() {}

    public static CloudEvent.Builder event(EventType type, Instant at) {
        return CloudEvent.builder(type).source(SOURCE).time(at);
    }
}
