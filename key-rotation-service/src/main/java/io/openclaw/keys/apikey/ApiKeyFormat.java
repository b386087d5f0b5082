package io.openclaw.keys.apikey;

import io.openclaw.keys.support.Ids;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The API key format: {@code ock_live_} or {@code ock_test_}, 32 random base62 characters, then a 6-character
 * checksum: CRC32 over the ASCII bytes of everything before it, in base62 ({@code 0-9A-Za-z}, most
 * significant digit first), left-padded with {@code 0}. Secret scanners can match it, and malformed keys
 * are refused before any lookup.
 */
public final class ApiKeyFormat {

    public static final String LIVE_PREFIX = "ock_live_";
    public static final String TEST_PREFIX = "ock_test_";
    public static final int RANDOM_LENGTH = 32;
    public static final int CHECKSUM_LENGTH = 6;
    public static final int LENGTH = LIVE_PREFIX.length() + RANDOM_LENGTH + CHECKSUM_LENGTH;
    /** How many leading characters are kept for display. */
    public static final int DISPLAY_LENGTH = 12;

    private ApiKeyFormat() {}

    /** A fresh key for the environment. */
    public static String generate(Environment environment) {
        String body = environment.prefix() + Ids.base62(RANDOM_LENGTH);
        return body + checksum(body);
    }

    /** The environment of a well-formed key with a matching checksum; empty for anything else. */
    public static Optional<Environment> parse(String candidate) {
        if (candidate == null || candidate.length() != LENGTH) {
            return Optional.empty();
        }
        Environment environment;
        if (candidate.startsWith(LIVE_PREFIX)) {
            environment = Environment.LIVE;
        } else if (candidate.startsWith(TEST_PREFIX)) {
            environment = Environment.TEST;
        } else {
            return Optional.empty();
        }
        for (int i = LIVE_PREFIX.length(); i < LENGTH; i++) {
            if (Ids.BASE62.indexOf(candidate.charAt(i)) < 0) {
                return Optional.empty();
            }
        }
        String body = candidate.substring(0, LENGTH - CHECKSUM_LENGTH);
        String checksum = candidate.substring(LENGTH - CHECKSUM_LENGTH);
        return checksum.equals(checksum(body)) ? Optional.of(environment) : Optional.empty();
    }

    public static boolean isWellFormed(String candidate) {
        return parse(candidate).isPresent();
    }

    /** The base62 CRC32 checksum of the text before it. */
    public static String checksum(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        long value = crc.getValue();
        char[] digits = new char[CHECKSUM_LENGTH];
        for (int i = CHECKSUM_LENGTH - 1; i >= 0; i--) {
            digits[i] = Ids.BASE62.charAt((int) (value % 62));
            value /= 62;
        }
        return new String(digits);
    }

    /** SHA-256 of the whole key, the only form in which a key is stored. */
    public static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first characters of a key, safe to show and store. */
    public static String displayPrefix(String key) {
        return key.substring(0, DISPLAY_LENGTH);
    }
}
