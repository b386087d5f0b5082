package io.openclaw.token.access;

import io.openclaw.token.config.TokenConfig;
import io.openclaw.token.revocation.RevocationDenylist;
import io.openclaw.token.signing.SigningKey;
import io.openclaw.token.signing.SigningKeyRing;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * Verifies access tokens against the local key ring: the signature by {@code kid} with that key's own
 * algorithm only (no {@code none}, no HMAC, no key taken from {@code jku}/{@code jwk}/{@code x5u}),
 * {@code typ at+jwt}, issuer, audience, {@code exp}, {@code nbf}, {@code iat}, {@code jti}, then the
 * denylist.
 */
@ApplicationScoped
public class AccessTokenVerifier {

    private static final AlgorithmConstraints ASYMMETRIC_ONLY = new AlgorithmConstraints(
            AlgorithmConstraints.ConstraintType.PERMIT,
            AlgorithmIdentifiers.RSA_USING_SHA256,
            AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);

    private final SigningKeyRing keyRing;
    private final RevocationDenylist denylist;
    private final TokenConfig config;
    private final Clock clock;
    private final String issuer;

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
        return verifySignedBy(token, true).filter(claims -> !isRevoked(claims));
    }

    /**
     * The claims of a token this service signed, checking the signature but, when {@code checkTime} is false,
     * not its lifetime (revocation accepts expired tokens and ignores them).
     */
    public Optional<JwtClaims> verifySignedBy(String token, boolean checkTime) {
        if (token == null
                || token.length() > 8192
                || token.chars().filter(c -> c == '.').count() != 2) {
            return Optional.empty();
        }
        try {
            JwtConsumerBuilder builder = new JwtConsumerBuilder()
                    .setJwsAlgorithmConstraints(ASYMMETRIC_ONLY)
                    .setVerificationKeyResolver((jws, nesting) -> {
                        if (jws.getHeader("jku") != null
                                || jws.getHeader("jwk") != null
                                || jws.getHeader("x5u") != null
                                || jws.getHeader("x5c") != null) {
                            throw new UnresolvableKeyException("key-carrying headers are refused");
                        }
                        SigningKey key = keyRing.published(jws.getKeyIdHeaderValue())
                                .orElseThrow(() -> new UnresolvableKeyException("unknown kid"));
                        if (!key.alg().equals(jws.getAlgorithmHeaderValue())) {
                            throw new UnresolvableKeyException("alg does not match the key");
                        }
                        return key.publicKey();
                    })
                    .setExpectedType(true, "at+jwt")
                    .setExpectedIssuer(issuer)
                    .setExpectedAudience(AccessTokenMinter.AUDIENCE)
                    .setRequireSubject()
                    .setRequireJwtId()
                    .setRequireIssuedAt()
                    .setRequireExpirationTime()
                    .setAllowedClockSkewInSeconds((int) config.clockSkew().toSeconds())
                    .setEvaluationTime(NumericDate.fromMilliseconds(clock.millis()));
            if (!checkTime) {
                builder.setSkipAllValidators();
            }
            JwtConsumer consumer = builder.build();
            JwtContext context = consumer.process(token);
            return Optional.of(context.getJwtClaims());
        } catch (InvalidJwtException e) {
            return Optional.empty();
        }
    }

    private boolean isRevoked(JwtClaims claims) {
        try {
            return denylist.isDenied(claims.getJwtId(), claims.getSubject());
        } catch (org.jose4j.jwt.MalformedClaimException e) {
            return true;
        }
    }
}
