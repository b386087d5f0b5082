package io.openclaw.pairing.web;

import io.openclaw.pairing.config.PairingConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.smallrye.jwt.runtime.auth.JsonWebTokenCredential;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Verifies bearer access tokens with smallrye-jwt (signature against the JWKS, issuer, audience, expiry)
 * and remembers each verified token by its SHA-256, so the next request with the same token skips the
 * parse and signature check. An entry lives until the token's {@code exp} and at most
 * {@code openclaw.pairing.token-cache.max-age}: the service has no token revocation list, and a key
 * withdrawn from the JWKS is noticed at the next JWKS refresh, which the maximum age stays below. Tokens are
 * never stored, only their digests. Runs before smallrye's own validator (higher priority; a singleton, so
 * the security layer reads that priority from the bean itself, not from a client proxy).
 */
@Singleton
public class VerifiedTokens implements IdentityProvider<TokenAuthenticationRequest> {

    private record Verified(JsonWebToken token, long untilMillis) {}

    private final JWTParser parser;
    private final long maxAgeMillis;
    private final int maxEntries;
    private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();

    public VerifiedTokens(JWTParser parser, PairingConfig config) {
        this.parser = parser;
        this.maxAgeMillis = config.tokenCache().maxAge().toMillis();
        this.maxEntries = Math.max(1, config.tokenCache().maxEntries());
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
            TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        if (!(request.getToken() instanceof JsonWebTokenCredential)) {
            return Uni.createFrom().nullItem();
        }
        String raw = request.getToken().getToken();
        if (maxAgeMillis <= 0) {
            return context.runBlocking(() -> identity(parse(raw), request));
        }
        String digest = sha256(raw);
        Verified known = verified.get(digest);
        if (known != null && System.currentTimeMillis() < known.untilMillis()) {
            return Uni.createFrom().item(identity(known.token(), request));
        }
        // the JWKS may have to be fetched: off the event loop
        return context.runBlocking(() -> {
            JsonWebToken token = parse(raw);
            remember(digest, token);
            return identity(token, request);
        });
    }

    /** Number of tokens remembered (for tests). */
    public int size() {
        return verified.size();
    }

    private JsonWebToken parse(String raw) {
        try {
            return parser.parse(raw);
        } catch (ParseException e) {
            throw new AuthenticationFailedException(e);
        }
    }

    private void remember(String digest, JsonWebToken token) {
        long now = System.currentTimeMillis();
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

    /** A fresh identity per request (it carries the request's routing context), around the verified token. */
    private static SecurityIdentity identity(JsonWebToken token, TokenAuthenticationRequest request) {
        QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                .setPrincipal(token)
                .addCredential(request.getToken())
                .addRoles(token.getGroups())
                .addAttribute(SecurityIdentity.USER_ATTRIBUTE, token);
        RoutingContext routing = HttpSecurityUtils.getRoutingContextAttribute(request);
        if (routing != null) {
            identity.addAttribute(RoutingContext.class.getName(), routing);
        }
        return identity.build();
    }

    private static String sha256(String raw) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
