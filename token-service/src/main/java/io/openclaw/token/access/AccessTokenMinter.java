package io.openclaw.token.access;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.openclaw.token.config.TokenConfig;
import io.openclaw.token.signing.SigningKey;
import io.openclaw.token.signing.SigningKeyRing;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Signs access tokens (RFC 9068): header {@code typ: at+jwt}, {@code alg} and {@code kid}; claims {@code iss
 * sub aud exp iat jti client_id scope acc groups}. The only place in the platform that signs a token.
 *
 * <p>The protected header is the same for every token of a key, so its base64url form is computed once per
 * key; the claims are written straight to JSON and signed with a per-thread engine ({@link CompactJws}).
 */
@ApplicationScoped
public class AccessTokenMinter {

    public static final String AUDIENCE = "openclaw";
    private static final JsonFactory JSON = new JsonFactory();

    private final SigningKeyRing keyRing;
    private final TokenConfig config;
    private final Clock clock;
    private final String issuer;
    private volatile Header header;

    /** A key's encoded protected header. */
    private record Header(SigningKey key, String encoded) {}

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
        return sign(draft(lifetime), request);
    }

    /**
     * What a token will be, before its subject and scopes are known: the key that signs it, its jti and its
     * lifetime. A grant whose event must record these before the token exists (the refresh rotation writes
     * its event in the same statement that claims the token) drafts first and {@link #sign}s after.
     */
    public record Draft(Header header, String jti, Instant issuedAt, Instant expiresAt) {
        public String kid() {
            return header.key().kid();
        }
    }

    public Draft draft() {
        return draft(config.accessTokenLifetime());
    }

    private Draft draft(Duration lifetime) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        return new Draft(header(keyRing.active()), UUID.randomUUID().toString(), now, now.plus(lifetime));
    }

    /** Signs a drafted token for the request; its scopes are the request's, once each. */
    public MintedToken sign(Draft draft, Request request) {
        SigningKey key = draft.header().key();
        List<String> scopes = distinct(request.scopes());
        byte[] claims = claims(request, draft.jti(), draft.issuedAt(), draft.expiresAt(), scopes);
        String jwt = CompactJws.sign(
                key.alg(), key.privateKey(), draft.header().encoded() + '.' + CompactJws.B64.encodeToString(claims));
        return new MintedToken(jwt, draft.jti(), key.kid(), draft.issuedAt(), draft.expiresAt(), scopes);
    }

    /** The scopes a token carries for these requested ones: each once, in order. */
    public static List<String> distinct(List<String> scopes) {
        return List.copyOf(new LinkedHashSet<>(scopes));
    }

    private Header header(SigningKey active) {
        Header cached = header;
        if (cached != null && cached.key() == active) {
            return cached;
        }
        String json = "{\"kid\":\"" + active.kid() + "\",\"typ\":\"at+jwt\",\"alg\":\"" + active.alg() + "\"}";
        cached = new Header(active, CompactJws.B64.encodeToString(json.getBytes(StandardCharsets.US_ASCII)));
        header = cached;
        return cached;
    }

    private byte[] claims(Request request, String jti, Instant now, Instant expiresAt, List<String> scopes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(384);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("iss", issuer);
            json.writeStringField("sub", request.subject());
            json.writeStringField("aud", AUDIENCE);
            json.writeNumberField("iat", now.getEpochSecond());
            json.writeNumberField("exp", expiresAt.getEpochSecond());
            json.writeStringField("jti", jti);
            json.writeStringField("client_id", request.clientId());
            json.writeStringField("scope", String.join(" ", scopes));
            json.writeArrayFieldStart("groups");
            for (String scope : scopes) {
                json.writeString(scope);
            }
            json.writeEndArray();
            if (request.accountId() != null) {
                json.writeStringField("acc", request.accountId());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
