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
