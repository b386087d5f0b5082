package io.openclaw.keys.support;

import java.security.SecureRandom;

/** Random identifiers such as {@code acc_…}, {@code key_…} and {@code rot_…}: a prefix and base62. */
public final class Ids {

    public static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    public static String account() {
        return "acc_" + base62(16);
    }

    public static String key() {
        return "key_" + base62(16);
    }

    public static String rotation() {
        return "rot_" + base62(16);
    }

    /** {@code length} uniformly random base62 characters (rejection sampling, no modulo bias). */
    public static String base62(int length) {
        StringBuilder out = new StringBuilder(length);
        while (out.length() < length) {
            int b = RANDOM.nextInt() & 0xFF;
            if (b < 248) {
                out.append(BASE62.charAt(b % 62));
            }
        }
        return out.toString();
    }
}
