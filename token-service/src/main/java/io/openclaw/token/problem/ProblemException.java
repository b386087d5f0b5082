package io.openclaw.token.problem;

/** An RFC 9457 problem answer with a stable {@code code}. */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String code;

    public ProblemException(int status, String code, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
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
