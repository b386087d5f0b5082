package io.openclaw.events;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * Reads an event's {@code time}. Every event carries one and every consumer reads it, so the form the platform
 * writes ({@code 2026-12-03T06:58:21.112117563Z}: UTC, 0–9 fraction digits, as {@link Instant#toString()}
 * writes it) is read directly; {@link Instant#parse} (whose formatter allocates about 1.7 KB per call) reads
 * anything else, and refuses what is not a timestamp.
 */
public final class EventTime {

    private EventTime() {}

    /** The instant; {@link DateTimeParseException} if {@code text} is not an RFC 3339 timestamp. */
    public static Instant parse(String text) {
        Instant fast = utc(text);
        return fast != null ? fast : Instant.parse(text);
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, or null when the text has another form or an invalid field. */
    private static Instant utc(String t) {
        int length = t.length();
        if (length < 20
                || length == 21
                || length > 30
                || t.charAt(4) != '-'
                || t.charAt(7) != '-'
                || t.charAt(10) != 'T'
                || t.charAt(13) != ':'
                || t.charAt(16) != ':'
                || t.charAt(length - 1) != 'Z'
                || (length > 20 && t.charAt(19) != '.')) {
            return null;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 7);
        int day = digits(t, 8, 10);
        int hour = digits(t, 11, 13);
        int minute = digits(t, 14, 16);
        int second = digits(t, 17, 19);
        int fraction = length > 20 ? digits(t, 20, length - 1) : 0;
        if ((year | month | day | hour | minute | second | fraction) < 0 || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return null;
        }
        int nanos = fraction;
        for (int scale = length - 21; scale < 9; scale++) {
            nanos *= 10;
        }
        return Instant.ofEpochSecond(
                epochDay * 86_400 + hour * 3_600L + minute * 60L + second, length > 20 ? nanos : 0);
    }

    /** The decimal value of {@code t[from, to)}, -1 if a character there is not a digit. */
    private static int digits(String t, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char ch = t.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            value = value * 10 + (ch - '0');
        }
        return value;
    }
}
