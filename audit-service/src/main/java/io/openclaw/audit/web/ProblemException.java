package io.openclaw.audit.web;

/** A client error answered as RFC 9457 problem+json with a stable {@code code}. */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String code;

    public ProblemException(int status, String code, String detail) {
        super(detail);
        this.status = status;
        this.code = code;
    }

    public static ProblemException badRequest(String code, String detail) {
        return new ProblemException(400, code, detail);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "not_found", detail);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
