package io.openclaw.keys.support;

import io.openclaw.events.IdFormat;
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

    /** Whether the text has the shape of an account id; anything else (e.g. a NUL) never reaches the database. */
    public static boolean isAccountId(String id) {
        return IdFormat.isAccountId(id);
    }

    /** Whether the text has the shape of a key id; anything else (e.g. a NUL) never reaches the database. */
    public static boolean isKeyId(String id) {
        return IdFormat.isKeyId(id);
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
