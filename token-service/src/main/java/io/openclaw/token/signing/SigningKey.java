package io.openclaw.token.signing;

import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** One key of the ring, with its private key decrypted in memory only. */
public record SigningKey(
        String kid,
        String alg,
        String state,
        PublicKey publicKey,
        PrivateKey privateKey,
        Instant createdAt,
        Instant activateAfter,
        Instant retireAfter) {

    public static final String NEXT = "next";
    public static final String ACTIVE = "active";
    public static final String RETIRING = "retiring";
    public static final String RETIRED = "retired";

    /** The public JWK (RFC 7517) of this key. */
    public Map<String, Object> jwk() {
        Map<String, Object> jwk = new LinkedHashMap<>();
        if (publicKey instanceof RSAPublicKey rsa) {
            jwk.put("kty", "RSA");
            jwk.put("use", "sig");
            jwk.put("alg", alg);
            jwk.put("kid", kid);
            jwk.put("n", base64Url(unsigned(rsa.getModulus(), 0)));
            jwk.put("e", base64Url(unsigned(rsa.getPublicExponent(), 0)));
        } else if (publicKey instanceof ECPublicKey ec) {
            jwk.put("kty", "EC");
            jwk.put("use", "sig");
            jwk.put("alg", alg);
            jwk.put("kid", kid);
            jwk.put("crv", "P-256");
            jwk.put("x", base64Url(unsigned(ec.getW().getAffineX(), 32)));
            jwk.put("y", base64Url(unsigned(ec.getW().getAffineY(), 32)));
        }
        return jwk;
    }

    private static byte[] unsigned(BigInteger value, int length) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        if (length > bytes.length) {
            byte[] padded = new byte[length];
            System.arraycopy(bytes, 0, padded, length - bytes.length, bytes.length);
            return padded;
        }
        return bytes;
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public String toString() {
        return "SigningKey[kid=" + kid + ", alg=" + alg + ", state=" + state + "]";
    }
}
