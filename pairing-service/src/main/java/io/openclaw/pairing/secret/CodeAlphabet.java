package io.openclaw.pairing.secret;

import java.security.SecureRandom;
import java.util.Optional;

/**
 * How a human-typed code looks: its symbols, its length and its grouping. Generates codes with a CSPRNG and
 * normalises what people type (case, spaces, hyphens); symbols outside the alphabet, such as the look-alikes
 * 0 O 1 I L U, make the input malformed rather than silently mapped.
 */
public final class CodeAlphabet {

    /** Pairing codes: 12 symbols of 30 (≈ 58.9 bits), shown {@code XXXX-XXXX-XXXX}. */
    public static final CodeAlphabet PAIRING = new CodeAlphabet("23456789ABCDEFGHJKMNPQRSTVWXYZ", 12, 4);

    /** RFC 8628 user codes: 8 consonants of 20 (≈ 34.6 bits), shown {@code XXXX-XXXX}. */
    public static final CodeAlphabet USER_CODE = new CodeAlphabet("BCDFGHJKLMNPQRSTVWXZ", 8, 4);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String symbols;
    private final int length;
    private final int group;

    private CodeAlphabet(String symbols, int length, int group) {
        this.symbols = symbols;
        this.length = length;
        this.group = group;
    }

    /** A new random code in display form. */
    public String generate() {
        char[] code = new char[length];
        for (int i = 0; i < length; i++) {
            code[i] = symbols.charAt(RANDOM.nextInt(symbols.length()));
        }
        return display(new String(code));
    }

    /** The canonical form (upper case, no separators) of typed input, or empty when it is malformed. */
    public Optional<String> normalize(String input) {
        if (input == null || input.length() > length * 3) {
            return Optional.empty();
        }
        StringBuilder canonical = new StringBuilder(length);
        for (int i = 0; i < input.length(); i++) {
            char c = input.charAt(i);
            if (c == '-' || c == ' ') {
                continue;
            }
            char upper = Character.toUpperCase(c);
            if (upper > 127 || symbols.indexOf(upper) < 0) {
                return Optional.empty();
            }
            canonical.append(upper);
        }
        return canonical.length() == length ? Optional.of(canonical.toString()) : Optional.empty();
    }

    /** The display form of a canonical code: groups joined by hyphens. */
    public String display(String canonical) {
        StringBuilder shown = new StringBuilder(length + length / group);
        for (int i = 0; i < canonical.length(); i++) {
            if (i > 0 && i % group == 0) {
                shown.append('-');
            }
            shown.append(canonical.charAt(i));
        }
        return shown.toString();
    }

    /** Bits of entropy of one code. */
    public double bits() {
        return length * Math.log(symbols.length()) / Math.log(2);
    }

    @Override
    public String toString() {
        return "CodeAlphabet[" + symbols.length() + " symbols, " + length + " long]";
    }
}
