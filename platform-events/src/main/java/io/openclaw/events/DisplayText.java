package io.openclaw.events;

/**
 * The rule for names people give things (pairing-code labels, key, account and device names): text that
 * shows as it reads. These names go into events, logs and consoles, so a control character (CR, LF, tab,
 * NUL), a line or paragraph separator, a lone surrogate, an unassigned code point or a bidirectional
 * override or isolate (which can make a name display as something else) is refused, not cleaned up.
 */
public final class DisplayText {

    private DisplayText() {}

    /** True when every code point of the text is printable in the sense above. */
    public static boolean isPrintable(String text) {
        return text.codePoints().allMatch(DisplayText::printable);
    }

    /**
     * True when the text is printable and holds no invisible format character (Unicode category Cf: U+200B,
     * U+200E, U+FEFF, U+061C, …), so that a name cannot pass for another that looks the same.
     */
    public static boolean isName(String text) {
        return text.codePoints().allMatch(c -> printable(c) && Character.getType(c) != Character.FORMAT);
    }

    /**
     * Request text that only goes into events (a client's user agent), made safe instead of refused: every code
     * point {@link #isName} refuses becomes {@code ?}, and the result is cut to {@code maxLength} chars (the
     * field's schema limit) without splitting a surrogate pair. Null stays null.
     */
    public static String forEvent(String text, int maxLength) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxLength));
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            int width = Character.charCount(c);
            boolean kept = printable(c) && Character.getType(c) != Character.FORMAT;
            if (out.length() + (kept ? width : 1) > maxLength) {
                break;
            }
            if (kept) {
                out.appendCodePoint(c);
            } else {
                out.append('?');
            }
            i += width;
        }
        return out.toString();
    }

    private static boolean printable(int c) {
        int type = Character.getType(c);
        return !Character.isISOControl(c)
                && type != Character.LINE_SEPARATOR
                && type != Character.PARAGRAPH_SEPARATOR
                && type != Character.SURROGATE
                && type != Character.UNASSIGNED
                && !(c >= 0x202A && c <= 0x202E)
                && !(c >= 0x2066 && c <= 0x2069);
    }
}
