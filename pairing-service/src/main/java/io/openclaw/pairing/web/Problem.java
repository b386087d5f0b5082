package io.openclaw.pairing.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.openclaw.events.problem.ProblemDetails;

/** RFC 9457 problem details with a stable machine-readable {@code code}, shaped by the shared contract. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String code) {

    public static final String MEDIA_TYPE = ProblemDetails.MEDIA_TYPE;

    public static Problem of(int status, String code, String detail) {
        return new Problem(ProblemDetails.TYPE_BASE + code, ProblemDetails.title(status), status, detail, code);
    }
}
