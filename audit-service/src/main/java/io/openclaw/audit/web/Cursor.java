package io.openclaw.audit.web;

import io.openclaw.events.DisplayText;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/** Opaque keyset cursors: the last row's sequence number, base64url encoded. */
public final class Cursor {

    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private Cursor() {}

    public static String encode(long seq) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("s:" + seq).getBytes(StandardCharsets.UTF_8));
    }

    public static Long decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!text.startsWith("s:")) {
                throw new IllegalArgumentException();
            }
            return Long.parseLong(text.substring(2));
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("invalid_cursor", "cursor is not one this API returned");
        }
    }

    /**
     * Checks a free-text filter parameter (an event type, subject, actor, account, rule or chain): at most 256
     * printable characters. A control character such as NUL would otherwise reach PostgreSQL, which refuses it.
     */
    public static String filter(String name, String value) {
        if (value != null && (value.length() > 256 || !DisplayText.isPrintable(value))) {
            throw ProblemException.badRequest("invalid_parameter", name + " must be at most 256 printable characters");
        }
        return value;
    }

    /**
     * Parses an RFC 3339 timestamp query parameter between the years 0001 and 9999. A year such as +999999999
     * parses, but PostgreSQL refuses it as out of range, so it is refused here as a bad parameter.
     */
    public static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Instant instant;
        try {
            instant = OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest("invalid_parameter", name + " must be an RFC 3339 timestamp");
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw ProblemException.badRequest(
                    "invalid_parameter", name + " must be a timestamp between the years 0001 and 9999");
        }
        return instant;
    }

    /** Checks a page size parameter. */
    public static int limit(String text, int defaultLimit, int maxLimit) {
        if (text == null || text.isBlank()) {
            return defaultLimit;
        }
        int limit;
        try {
            limit = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > maxLimit) {
            throw ProblemException.badRequest("invalid_parameter", "limit must be between 1 and " + maxLimit);
        }
        return limit;
    }
}
