package io.openclaw.keys.web;

import jakarta.ws.rs.core.Response;

/**
 * An RFC 9457 problem the caller is told about: HTTP status, a stable machine-readable {@code code} and a
 * human-readable detail that never carries a secret.
 */
public class Problem extends RuntimeException {

    private final int status;
    private final String code;

    public Problem(int status, String code, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
    }

    public static Problem badRequest(String code, String detail) {
        return new Problem(400, code, detail);
    }

    public static Problem notFound(String code, String detail) {
        return new Problem(404, code, detail);
    }

    public static Problem conflict(String code, String detail) {
        return new Problem(409, code, detail);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Response toResponse() {
        return ProblemResponses.of(status, code, getMessage());
    }
}
