package io.openclaw.audit.log;

/**
 * Rows in PostgreSQL's {@code COPY} text format: columns separated by tabs, rows ended by a newline, null
 * written {@code \N}, and a backslash, tab, newline or carriage return inside a value escaped with a
 * backslash, so no value can end its column or its row early.
 */
final class CopyText {

    private CopyText() {}

    /** Appends one row of the given column values (null for SQL NULL). */
    static StringBuilder row(StringBuilder out, String... values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append('\t');
            }
            value(out, values[i]);
        }
        return out.append('\n');
    }

    private static void value(StringBuilder out, String value) {
        if (value == null) {
            out.append("\\N");
            return;
        }
        int first = firstSpecial(value);
        if (first < 0) {
            out.append(value);
            return;
        }
        out.append(value, 0, first);
        for (int i = first; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(ch);
            }
        }
    }

    /** Index of the first character that needs escaping, -1 when none does (most values). */
    private static int firstSpecial(String value) {
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r') {
                return i;
            }
        }
        return -1;
    }
}
