package io.openclaw.pairing.web;

import com.fasterxml.jackson.annotation.JsonInclude;

/** RFC 9457 problem details with a stable machine-readable {@code code}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String code) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String code, String detail) {
        return new Problem("https://openclaw.io/problems/" + code, title(code), status, detail, code);
    }

    private static String title(String code) {
        String words = code.replace('_', ' ');
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
