package io.openclaw.token.events;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.TraceContext;
import java.time.Instant;

/** Starts every event token-service publishes. */
public final class TokenEvents {

    public static final String SOURCE = "/token-service";
    public static final String SERVICE_ACTOR = "svc:token-service";

    private TokenEvents() {}

    /** An event of token-service at a time, carrying the traceparent of the request that causes it. */
    public static CloudEvent.Builder event(EventType type, Instant at) {
        return CloudEvent.builder(type).source(SOURCE).time(at).traceparent(TraceContext.currentTraceparent());
    }
}
