package io.openclaw.testing;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Mints access tokens shaped like token-service's (RFC 9068: {@code typ at+jwt}, {@code kid}, {@code scope},
 * {@code groups}, {@code acc}) against a test JWKS, so each service can be tested without token-service.
 *
 * <p>The key pair is made once per test JVM and kept in files named by a system property, so every class
 * loader of the test run signs with the same key.
 */
public final class TestJwt {

    public static final String ISSUER = "https://openclaw.test";
    public static final String AUDIENCE = "openclaw";
    public static final String KID = "test-key-1";
    private static final String HOME_PROPERTY = "openclaw.testing.jwt.home";

    private TestJwt() {}

    /** A token for a principal of an account; call {@link Builder#sign()} when done. */
    public static Builder token(String accountId, String... scopes) {
        return new Builder(accountId, List.of(scopes));
    }

    /** A token for a platform admin (scope {@code platform:admin}, no account). */
    public static Builder platformAdmin() {
        return new Builder(null, List.of("platform:admin"));
    }

    /** Location of the JWKS file verifiers should trust, as a {@code file:} URL. */
    public static String jwksLocation() {
        return home().resolve("jwks.json").toUri().toString();
    }

    public static PrivateKey privateKey() {
        try {
            byte[] der = Files.readAllBytes(home().resolve("private.der"));
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the test signing key", e);
        }
    }

    static synchronized Path home() {
        synchronized (System.getProperties()) {
            String existing = System.getProperty(HOME_PROPERTY);
            if (existing != null) {
                return Paths.get(existing);
            }
            try {
                Path home = Files.createTempDirectory("openclaw-jwt-");
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                KeyPair pair = generator.generateKeyPair();
                Files.write(home.resolve("private.der"), pair.getPrivate().getEncoded());
                Files.writeString(home.resolve("jwks.json"), jwks((RSAPublicKey) pair.getPublic()));
                home.toFile().deleteOnExit();
                home.resolve("private.der").toFile().deleteOnExit();
                home.resolve("jwks.json").toFile().deleteOnExit();
                System.setProperty(HOME_PROPERTY, home.toString());
                return home;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static String jwks(RSAPublicKey key) {
        return "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"" + KID + "\",\"n\":\""
                + base64Url(key.getModulus()) + "\",\"e\":\"" + base64Url(key.getPublicExponent()) + "\"}]}";
    }

    private static String base64Url(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Builder for a test access token. */
    public static final class Builder {
        private final String accountId;
        private final Set<String> scopes;
        private String subject;
        private String clientId;
        private String issuer = ISSUER;
        private String audience = AUDIENCE;
        private Instant issuedAt = Instant.now();
        private Duration lifetime = Duration.ofMinutes(15);

        private Builder(String accountId, List<String> scopes) {
            this.accountId = accountId;
            this.scopes = new LinkedHashSet<>(scopes);
            this.subject = accountId == null ? "key_platform_admin" : "key_test_" + accountId;
            this.clientId = subject;
        }

        public Builder subject(String subject) {
            this.subject = subject;
            return this;
        }

        public Builder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        public Builder issuer(String issuer) {
            this.issuer = issuer;
            return this;
        }

        public Builder audience(String audience) {
            this.audience = audience;
            return this;
        }

        public Builder issuedAt(Instant issuedAt) {
            this.issuedAt = issuedAt;
            return this;
        }

        public Builder lifetime(Duration lifetime) {
            this.lifetime = lifetime;
            return this;
        }

        public String sign() {
            JwtClaimsBuilder claims = Jwt.issuer(issuer)
                    .subject(subject)
                    .audience(audience)
                    .issuedAt(issuedAt)
                    .expiresAt(issuedAt.plus(lifetime))
                    .claim("jti", UUID.randomUUID().toString())
                    .claim("client_id", clientId)
                    .claim("scope", String.join(" ", scopes))
                    .groups(scopes);
            if (accountId != null) {
                claims.claim("acc", accountId);
            }
            return claims.jws().keyId(KID).header("typ", "at+jwt").sign(privateKey());
        }
    }
}
