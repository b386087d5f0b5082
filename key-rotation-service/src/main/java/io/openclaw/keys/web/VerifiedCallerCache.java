package io.openclaw.keys.web;

import io.openclaw.events.auth.RememberedToken;
import io.openclaw.keys.config.KeysConfig;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.smallrye.jwt.runtime.auth.MpJwtValidator;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Remembers access tokens that smallrye-jwt already verified, so a caller that sends the same bearer token
 * again (token-service on every {@code POST /v1/keys/verify}) costs a SHA-256 instead of a JWS signature
 * check and a claims parse. Entries are keyed by the SHA-256 of the token (no token is kept), live until the
 * token's {@code exp} but at most {@code openclaw.keys.caller-cache.max-ttl} (so a key withdrawn from the
 * JWKS stops being honoured soon), and the map starts over when it reaches its bound. Anything not in the
 * cache goes to {@link MpJwtValidator} exactly as before, with all its checks.
 */
@ApplicationScoped
public class VerifiedCallerCache implements IdentityProvider<TokenAuthenticationRequest> {

    private record Entry(JsonWebToken principal, long validUntilMillis) {}

    private final MpJwtValidator validator;
    private final Clock clock;
    private final boolean enabled;
    private final long maxTtlMillis;
    private final int maxEntries;
    private final ConcurrentHashMap<ByteBuffer, Entry> entries = new ConcurrentHashMap<>();

    public VerifiedCallerCache(MpJwtValidator validator, KeysConfig config, Clock clock) {
        this.validator = validator;
        this.clock = clock;
        this.enabled = config.callerCache().enabled();
        this.maxTtlMillis = config.callerCache().maxTtl().toMillis();
        this.maxEntries = config.callerCache().maxEntries();
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    /** Ahead of smallrye-jwt's own validator (default priority 1001), which it delegates to on a miss. */
    @Override
    public int priority() {
        return 2000;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
            TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        if (!enabled) {
            return validator.authenticate(request, context);
        }
        ByteBuffer hash = sha256(request.getToken().getToken());
        long now = clock.millis();
        Entry entry = entries.get(hash);
        if (entry != null) {
            if (now < entry.validUntilMillis()) {
                return Uni.createFrom().item(identity(entry.principal(), request));
            }
            entries.remove(hash, entry);
        }
        return validator.authenticate(request, context).invoke(identity -> remember(hash, identity, now));
    }

    private void remember(ByteBuffer hash, SecurityIdentity identity, long now) {
        if (identity == null || !(identity.getPrincipal() instanceof JsonWebToken principal)) {
            return;
        }
        long expiresMillis = principal.getExpirationTime() * 1000L;
        long validUntil = Math.min(expiresMillis, now + maxTtlMillis);
        if (validUntil <= now) {
            return;
        }
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
        entries.put(hash, new Entry(RememberedToken.of(principal), validUntil));
    }

    /** The identity smallrye-jwt would have built for this principal and this request. */
    private static SecurityIdentity identity(JsonWebToken principal, TokenAuthenticationRequest request) {
        QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder()
                .setPrincipal(principal)
                .addCredential(request.getToken())
                .addRoles(principal.getGroups())
                .addAttribute("quarkus.user", principal);
        RoutingContext routing = HttpSecurityUtils.getRoutingContextAttribute(request);
        if (routing != null) {
            builder.addAttribute(RoutingContext.class.getName(), routing);
        }
        return builder.build();
    }

    /** Forgets every remembered token. */
    public void clear() {
        entries.clear();
    }

    public int size() {
        return entries.size();
    }

    private static ByteBuffer sha256(String token) {
        try {
            return ByteBuffer.wrap(
                    MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
