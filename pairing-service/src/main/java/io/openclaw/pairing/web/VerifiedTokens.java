package io.openclaw.pairing.web;

import io.openclaw.events.auth.RememberedToken;
import io.openclaw.pairing.config.PairingConfig;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKey;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The JWT parser the bearer-token validator uses: smallrye-jwt's own (signature against the JWKS, issuer,
 * audience, expiry), with each verified access token remembered by its SHA-256 so the next request with
 * the same token skips the parse and signature check. An entry lives until the token's {@code exp} and at
 * most {@code openclaw.pairing.token-cache.max-age}: the service has no token revocation list, and a key
 * withdrawn from the JWKS is noticed at the next JWKS refresh, which the maximum age stays below. Only
 * digests are kept as keys; the remembered token answers its claims from memory ({@link RememberedToken}). Every other operation goes straight to smallrye-jwt.
 */
@Alternative
@Priority(1)
@Singleton
public class VerifiedTokens implements JWTParser {

    private record Verified(JsonWebToken token, long untilMillis) {}

    private final DefaultJWTParser parser;
    private final long maxAgeMillis;
    private final int maxEntries;
    private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();

    public VerifiedTokens(DefaultJWTParser parser, PairingConfig config) {
        this.parser = parser;
        this.maxAgeMillis = config.tokenCache().maxAge().toMillis();
        this.maxEntries = Math.max(1, config.tokenCache().maxEntries());
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        if (maxAgeMillis <= 0) {
            return parser.parse(token);
        }
        String digest = sha256(token);
        Verified known = verified.get(digest);
        long now = System.currentTimeMillis();
        if (known != null && now < known.untilMillis()) {
            return known.token();
        }
        JsonWebToken parsed = RememberedToken.of(parser.parse(token));
        remember(digest, parsed, now);
        return parsed;
    }

    /** Number of tokens remembered. */
    public int size() {
        return verified.size();
    }

    private void remember(String digest, JsonWebToken token, long now) {
        long until = Math.min(token.getExpirationTime() * 1000L, now + maxAgeMillis);
        if (until <= now) {
            return;
        }
        if (verified.size() >= maxEntries) {
            verified.values().removeIf(entry -> entry.untilMillis() <= now);
            if (verified.size() >= maxEntries) {
                verified.clear();
            }
        }
        verified.put(digest, new Verified(token, until));
    }

    private static String sha256(String raw) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return parser.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return parser.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return parser.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return parser.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return parser.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return parser.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return parser.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return parser.parseOnly(token);
    }
}
