package io.openclaw.token.access;

import io.openclaw.token.config.TokenConfig;
import io.openclaw.token.signing.SigningKey;
import io.openclaw.token.signing.SigningKeyRing;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Signs access tokens (RFC 9068): header {@code typ: at+jwt} and {@code kid}; claims {@code iss sub aud exp
 * iat jti client_id scope acc groups}. The only place in the platform that signs a token.
 */
@ApplicationScoped
public class AccessTokenMinter {

    public static final String AUDIENCE = "openclaw";

    private final SigningKeyRing keyRing;
    private final TokenConfig config;
    private final Clock clock;
    private final String issuer;

    public AccessTokenMinter(
            SigningKeyRing keyRing,
            TokenConfig config,
            Clock clock,
            @ConfigProperty(name = "openclaw.issuer") String issuer) {
        this.keyRing = keyRing;
        this.config = config;
        this.clock = clock;
        this.issuer = issuer;
    }

    /** What a grant asks to be signed. {@code accountId} is null for services. */
    public record Request(String subject, String accountId, String clientId, List<String> scopes) {}

    /** A signed token and what was put in it. */
    public record MintedToken(
            String jwt, String jti, String kid, Instant issuedAt, Instant expiresAt, List<String> scopes) {
        public long expiresIn() {
            return Duration.between(issuedAt, expiresAt).toSeconds();
        }
    }

    public MintedToken mint(Request request) {
        return mint(request, config.accessTokenLifetime());
    }

    public MintedToken mint(Request request, Duration lifetime) {
        SigningKey key = keyRing.active();
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expiresAt = now.plus(lifetime);
        String jti = UUID.randomUUID().toString();
        List<String> scopes = List.copyOf(new LinkedHashSet<>(request.scopes()));
        JwtClaimsBuilder claims = Jwt.claims()
                .issuer(issuer)
                .subject(request.subject())
                .audience(AUDIENCE)
                .issuedAt(now)
                .expiresAt(expiresAt)
                .claim("jti", jti)
                .claim("client_id", request.clientId())
                .claim("scope", String.join(" ", scopes))
                .groups(new LinkedHashSet<>(scopes));
        if (request.accountId() != null) {
            claims.claim("acc", request.accountId());
        }
        String jwt = claims.jws()
                .algorithm(SignatureAlgorithm.fromAlgorithm(key.alg()))
                .keyId(key.kid())
                .header("typ", "at+jwt")
                .sign(key.privateKey());
        return new MintedToken(jwt, jti, key.kid(), now, expiresAt, scopes);
    }
}
