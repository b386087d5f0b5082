package io.openclaw.token.store;

import java.security.SecureRandom;

/** Random, prefixed ids: {@code dev_…}, {@code fam_…}. */
public final class Ids {

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    /** The prefix, an underscore and 20 Crockford base32 symbols (100 random bits). */
    public static String next(String prefix) {
        StringBuilder id =
                new StringBuilder(prefix.length() + 21).append(prefix).append('_');
        for (int i = 0; i < 20; i++) {
            id.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return id.toString();
    }
}
