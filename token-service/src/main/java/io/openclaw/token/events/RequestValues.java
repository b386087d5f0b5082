package io.openclaw.token.events;

import io.openclaw.events.DisplayText;
import io.openclaw.events.IdFormat;

/**
 * Values taken from a request that go into events (actor, subject, user agent). Events must validate against
 * their schemas and never carry raw input: an id that is not well-formed becomes {@link #UNKNOWN}, free text
 * loses its control characters and is cut to the schema's maximum length.
 */
public final class RequestValues {

    /** What an event names instead of a request value that is not a well-formed id. */
    public static final String UNKNOWN = "unknown";

    /** The schemas' {@code user_agent} maxLength. */
    public static final int USER_AGENT_MAX = 512;

    private RequestValues() {}

    /** Whether a client_id has the shape of an API key or account id. */
    public static boolean isWellFormedClientId(String clientId) {
        // API key ids (client_credentials) and account ids (the device flow's client id)
        return IdFormat.isKeyId(clientId) || IdFormat.isAccountId(clientId);
    }

    /** The actor of an event about a request that named this client_id: {@code client:unknown} unless well-formed. */
    public static String clientActor(String clientId) {
        return "client:" + (isWellFormedClientId(clientId) ? clientId : UNKNOWN);
    }

    /** The user agent made safe for an event ({@link DisplayText#forEvent}), at most {@link #USER_AGENT_MAX} long. */
    public static String userAgent(String userAgent) {
        return DisplayText.forEvent(userAgent, USER_AGENT_MAX);
    }
}
