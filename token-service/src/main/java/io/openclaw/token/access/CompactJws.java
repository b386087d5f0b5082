package io.openclaw.token.access;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * JWS compact serialization (RFC 7515) with the JDK's signature engines, RS256 and ES256 only. Each thread
 * keeps its initialised {@link Signature} per key: after {@code sign()}/{@code verify()} an engine is ready
 * for the next message with the same key, so no provider lookup or key set-up happens per token.
 */
final class CompactJws {

    static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder();

    private static final ThreadLocal<Map<Object, Signature>> SIGNERS = ThreadLocal.withInitial(HashMap::new);
    private static final ThreadLocal<Map<Object, Signature>> VERIFIERS = ThreadLocal.withInitial(HashMap::new);

    private CompactJws() {}

    /** The JDK algorithm of a JWS {@code alg}; ES256 signatures are R‖S (IEEE P1363), not DER. */
    static String jdkAlgorithm(String alg) {
        return switch (alg) {
            case "RS256" -> "SHA256withRSA";
            case "ES256" -> "SHA256withECDSAinP1363Format";
            default -> throw new IllegalArgumentException("unsupported JWS algorithm " + alg);
        };
    }

    /** {@code signingInput + "." + base64url(signature)}, where signingInput is {@code header.payload}. */
    static String sign(String alg, PrivateKey key, String signingInput) {
        Map<Object, Signature> engines = SIGNERS.get();
        Signature engine = engines.get(key);
        try {
            if (engine == null) {
                if (engines.size() > 8) {
                    engines.clear(); // retired keys
                }
                engine = Signature.getInstance(jdkAlgorithm(alg));
                engine.initSign(key);
                engines.put(key, engine);
            }
            engine.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            byte[] signature = engine.sign();
            return signingInput + '.' + B64.encodeToString(signature);
        } catch (GeneralSecurityException e) {
            engines.remove(key);
            throw new IllegalStateException("cannot sign with " + alg, e);
        }
    }

    /** Whether {@code signature} is a valid {@code alg} signature of {@code token[0, signedLength)}. */
    static boolean verify(String alg, PublicKey key, String token, int signedLength, byte[] signature) {
        if (alg.equals("ES256") && signature.length != 64) {
            return false;
        }
        Map<Object, Signature> engines = VERIFIERS.get();
        Signature engine = engines.get(key);
        try {
            if (engine == null) {
                if (engines.size() > 8) {
                    engines.clear();
                }
                engine = Signature.getInstance(jdkAlgorithm(alg));
                engine.initVerify(key);
                engines.put(key, engine);
            }
            byte[] input = new byte[signedLength];
            for (int i = 0; i < signedLength; i++) {
                input[i] = (byte) token.charAt(i);
            }
            engine.update(input);
            return engine.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            // a malformed signature leaves the engine reset; drop it anyway to be sure
            engines.remove(key);
            return false;
        }
    }
}
