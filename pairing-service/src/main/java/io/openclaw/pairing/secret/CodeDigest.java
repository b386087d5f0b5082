package io.openclaw.pairing.secret;

import io.openclaw.pairing.config.PairingConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Codes are stored only as an HMAC-SHA256 under a key from configuration, with a domain per kind of code,
 * so a copy of Redis does not reveal a code and cannot be searched without the key.
 */
@ApplicationScoped
public class CodeDigest {

    private static final String ALGORITHM = "HmacSHA256";
    private static final int MIN_KEY_BYTES = 32;

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    public CodeDigest(PairingConfig config) {
        byte[] material;
        try {
            material = Base64.getDecoder().decode(config.codeHmacKey().trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("openclaw.pairing.code-hmac-key must be base64");
        }
        if (material.length < MIN_KEY_BYTES) {
            throw new IllegalStateException(
                    "openclaw.pairing.code-hmac-key must hold at least " + MIN_KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(material, ALGORITHM);
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** Digest of a canonical pairing code. */
    public String pairingCode(String canonical) {
        return digest("pairing-code:", canonical);
    }

    /** Digest of a canonical RFC 8628 user code. */
    public String userCode(String canonical) {
        return digest("user-code:", canonical);
    }

    /** Digest of a device code. */
    public String deviceCode(String deviceCode) {
        return digest("device-code:", deviceCode);
    }

    private String digest(String domain, String value) {
        Mac mac = macs.get();
        mac.update(domain.getBytes(StandardCharsets.UTF_8));
        byte[] out = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }
}
