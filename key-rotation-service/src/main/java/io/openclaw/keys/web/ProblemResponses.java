package io.openclaw.keys.web;

import io.openclaw.events.problem.ProblemDetails;
import jakarta.ws.rs.core.Response;

/** Builds {@code application/problem+json} responses (RFC 9457) with a stable {@code code}. */
public final class ProblemResponses {

    public static final String MEDIA_TYPE = ProblemDetails.MEDIA_TYPE;

    private ProblemResponses() {}

    public static Response of(int status, String code, String detail) {
        return Response.status(status)
                .type(MEDIA_TYPE)
                .entity(ProblemDetails.body(status, code, detail))
                .build();
    }
}
