package io.openclaw.token.access;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openclaw.token.config.TokenConfig;
import io.openclaw.token.revocation.RevocationDenylist;
import io.openclaw.token.signing.SigningKey;
import io.openclaw.token.signing.SigningKeyRing;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;

/**
 * Verifies access tokens against the local key ring: the signature by {@code kid} with that key's own
 * algorithm only (no {@code none}, no HMAC, no key taken from {@code jku}/{@code jwk}/{@code x5u}/{@code x5c},
 * no {@code crit} extensions), {@code typ at+jwt}, issuer, audience, {@code exp}, {@code nbf}, {@code iat},
 * {@code sub}, {@code jti}, then the denylist.
 *
 * <p>What a token's bytes prove never changes, so the outcome of the signature and header checks is kept
 * per exact token string for a while (bounded; a token whose key left the ring is checked again and fails).
 * Time and the denylist are checked on every use.
 */
@ApplicationScoped
public class AccessTokenVerifier {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    private static final int MAX_LENGTH = 8192;
    private static final int CACHE_LIMIT = 10_000;

    private final SigningKeyRing keyRing;
    private final RevocationDenylist denylist;
    private final TokenConfig config;
    private final Clock clock;
    private final String issuer;
    private final Map<String, VerifiedAccessToken> verified = new ConcurrentHashMap<>();

    public AccessTokenVerifier(
            SigningKeyRing keyRing,
            RevocationDenylist denylist,
            TokenConfig config,
            Clock clock,
            @ConfigProperty(name = "openclaw.issuer") String issuer) {
        this.keyRing = keyRing;
        this.denylist = denylist;
        this.config = config;
        this.clock = clock;
        this.issuer = issuer;
    }

    /** The claims of a valid, unrevoked access token; empty for anything else. */
    public Optional<JwtClaims> verify(String token) {
        return check(token)
                .filter(t -> !denylist.isDenied(t.jti(), t.subject()))
                .map(AccessTokenVerifier::jwtClaims);
    }

    /** A valid access token (signature, header, claims, lifetime) without the denylist check. */
    public Optional<VerifiedAccessToken> check(String token) {
        return signedBy(token).filter(this::isCurrent);
    }

    /**
     * A token this service signed, checking the signature, header and claim types but not its lifetime nor
     * issuer/audience (revocation accepts expired tokens and ignores them).
     */
    public Optional<VerifiedAccessToken> signedBy(String token) {
        if (token == null || token.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        VerifiedAccessToken known = verified.get(token);
        if (known != null) {
            if (keyRing.published(known.kid()).isPresent()) {
                return Optional.of(known);
            }
            verified.remove(token);
            return Optional.empty();
        }
        VerifiedAccessToken parsed = parse(token);
        if (parsed == null) {
            return Optional.empty();
        }
        if (verified.size() >= CACHE_LIMIT) {
            verified.clear();
        }
        verified.put(token, parsed);
        return Optional.of(parsed);
    }

    /** Issuer, audience, expiry and not-before at the injected clock, with the configured skew. */
    private boolean isCurrent(VerifiedAccessToken token) {
        long now = clock.millis() / 1000;
        long skew = config.clockSkew().toSeconds();
        return issuer.equals(token.issuer())
                && token.audience().contains(AccessTokenMinter.AUDIENCE)
                && now < token.expiresAt() + skew
                && (token.notBefore() == null || token.notBefore() <= now + skew);
    }

    private VerifiedAccessToken parse(String token) {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (first <= 0 || second <= first + 1 || second == token.length() - 1 || token.indexOf('.', second + 1) >= 0) {
            return null;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '.';
            if (!ok) {
                return null;
            }
        }
        try {
            Map<String, Object> header = JSON.readValue(CompactJws.B64_DECODER.decode(token.substring(0, first)), MAP);
            if (header.containsKey("jku")
                    || header.containsKey("jwk")
                    || header.containsKey("x5u")
                    || header.containsKey("x5c")
                    || header.containsKey("crit")
                    || header.containsKey("zip")
                    || !(header.get("alg") instanceof String alg)
                    || !(header.get("kid") instanceof String kid)
                    || !(header.get("typ") instanceof String typ)
                    || !(typ.equalsIgnoreCase("at+jwt") || typ.equalsIgnoreCase("application/at+jwt"))) {
                return null;
            }
            SigningKey key = keyRing.published(kid).orElse(null);
            if (key == null || !key.alg().equals(alg)) {
                return null;
            }
            byte[] signature = CompactJws.B64_DECODER.decode(token.substring(second + 1));
            if (!CompactJws.verify(alg, key.publicKey(), token, second, signature)) {
                return null;
            }
            byte[] payload = CompactJws.B64_DECODER.decode(token.substring(first + 1, second));
            Map<String, Object> claims = JSON.readValue(payload, MAP);
            if (!(claims.get("sub") instanceof String subject)
                    || !(claims.get("jti") instanceof String jti)
                    || !(claims.get("iat") instanceof Number iat)
                    || !(claims.get("exp") instanceof Number exp)
                    || !(claims.get("iss") instanceof String iss)) {
                return null;
            }
            Object nbf = claims.get("nbf");
            if (nbf != null && !(nbf instanceof Number)) {
                return null;
            }
            List<String> audience = strings(claims.get("aud"));
            List<String> groups = strings(claims.get("groups"));
            if (audience == null || groups == null) {
                return null;
            }
            return new VerifiedAccessToken(
                    kid,
                    new String(payload, StandardCharsets.UTF_8),
                    claims,
                    iss,
                    audience,
                    subject,
                    jti,
                    claims.get("acc") instanceof String acc ? acc : null,
                    claims.get("scope") instanceof String scope ? scope : null,
                    claims.get("client_id") instanceof String clientId ? clientId : null,
                    groups,
                    iat.longValue(),
                    exp.longValue(),
                    nbf == null ? null : ((Number) nbf).longValue());
        } catch (java.io.IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /** A string or an array of strings as a list; null for anything else. */
    private static List<String> strings(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof String s) {
            return List.of(s);
        }
        if (value instanceof List<?> list) {
            List<String> out = new ArrayList<>(list.size());
            for (Object item : list) {
                if (!(item instanceof String s)) {
                    return null;
                }
                out.add(s);
            }
            return List.copyOf(out);
        }
        return null;
    }

    static JwtClaims jwtClaims(VerifiedAccessToken token) {
        try {
            return JwtClaims.parse(token.payloadJson());
        } catch (InvalidJwtException e) {
            throw new IllegalStateException("verified claims are not JSON", e);
        }
    }
}
