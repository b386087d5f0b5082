package io.openclaw.keys.apikey;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventFields;
import io.openclaw.events.EventType;
import io.openclaw.events.TraceContext;
import java.time.Instant;

/** Builds the lifecycle events of a key: ids, names, scopes and the display prefix, never the key. */
public final class KeyEvents {

    public static final String SOURCE = "/key-rotation-service";
    public static final String SYSTEM = "svc:key-rotation-service";

    private KeyEvents() {}

    public static CloudEvent.Builder of(EventType type, ApiKey key, String actor, Instant time) {
        CloudEvent.Builder builder = CloudEvent.builder(type)
                .source(SOURCE)
                .traceparent(TraceContext.currentTraceparent())
                .time(time)
                .accountId(key.accountId())
                .actor(actor)
                .subject(key.id())
                .data(EventFields.KEY_ID, key.id())
                .data("name", key.name())
                .data(EventFields.SCOPES, key.scopes())
                .data("environment", key.environment().wire())
                .data("prefix", key.displayPrefix());
        if (key.expiresAt() != null) {
            builder.data(EventFields.EXPIRES_AT, key.expiresAt().toString());
        }
        return builder;
    }
}
