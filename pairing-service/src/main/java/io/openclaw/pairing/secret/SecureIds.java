package io.openclaw.pairing.secret;

import java.security.SecureRandom;
import java.util.Base64;

/** Random identifiers and bearer values from a CSPRNG. */
public final class SecureIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ID_SYMBOLS = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

    private SecureIds() {}

    /** An object id such as {@code pc_…} or {@code da_…}: the prefix and 20 base32 symbols (100 bits). */
    public static String id(String prefix) {
        StringBuilder id =
                new StringBuilder(prefix.length() + 21).append(prefix).append('_');
        for (int i = 0; i < 20; i++) {
            id.append(ID_SYMBOLS[RANDOM.nextInt(ID_SYMBOLS.length)]);
        }
        return id.toString();
    }

    /** A bearer value of 256 random bits, base64url without padding (43 characters). */
    public static String bearer256() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
