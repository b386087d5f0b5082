package io.openclaw.events.problem;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The RFC 9457 {@code application/problem+json} body every OpenClaw API answers errors with: {@code type},
 * {@code title}, {@code status}, {@code detail} and a stable, machine-readable {@code code}. Services put it in
 * their own framework's response; this class holds only the contract, so every service answers alike.
 */
public final class ProblemDetails {

    public static final String MEDIA_TYPE = "application/problem+json";
    /** Problem types are documented under this base, one page per code. */
    public static final String TYPE_BASE = "https://openclaw.io/problems/";

    private static final Map<Integer, String> TITLES = Map.ofEntries(
            Map.entry(400, "Bad Request"),
            Map.entry(401, "Unauthorized"),
            Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"),
            Map.entry(405, "Method Not Allowed"),
            Map.entry(406, "Not Acceptable"),
            Map.entry(409, "Conflict"),
            Map.entry(410, "Gone"),
            Map.entry(413, "Payload Too Large"),
            Map.entry(415, "Unsupported Media Type"),
            Map.entry(422, "Unprocessable Content"),
            Map.entry(429, "Too Many Requests"),
            Map.entry(500, "Internal Server Error"),
            Map.entry(503, "Service Unavailable"));

    private ProblemDetails() {}

    /** The body for a status, a stable code and a human-readable detail (never a secret or a stack trace). */
    public static Map<String, Object> body(int status, String code, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_BASE + code);
        body.put("title", title(status));
        body.put("status", status);
        body.put("detail", detail);
        body.put("code", code);
        return body;
    }

    public static String title(int status) {
        return TITLES.getOrDefault(status, status >= 500 ? "Server Error" : "Client Error");
    }
}
