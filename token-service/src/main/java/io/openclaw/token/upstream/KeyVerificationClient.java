package io.openclaw.token.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openclaw.token.config.TokenConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Verifies API keys at key-rotation-service ({@code POST /v1/keys/verify}). Positive answers about keys without
 * a rate limit are cached for a few seconds per (key hash, client IP) and dropped when the key is revoked or
 * rotated; a rate-limited key is verified at every grant, so that each grant counts against its limit.
 */
@ApplicationScoped
public class KeyVerificationClient {

    /** key-rotation-service's verdict. */
    public record Verification(
            boolean valid, String code, String keyId, String accountId, List<String> scopes, Instant expiresAt) {}

    private record Cached(Verification verification, Instant until) {}

    private final KeysApi api;
    private final ServiceToken serviceToken;
    private final ObjectMapper mapper;
    private final TokenConfig config;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public KeyVerificationClient(
            @RestClient KeysApi api, ServiceToken serviceToken, ObjectMapper mapper, TokenConfig config, Clock clock) {
        this.api = api;
        this.serviceToken = serviceToken;
        this.mapper = mapper;
        this.config = config;
        this.clock = clock;
    }

    public Verification verify(String apiKey, List<String> requiredScopes, String clientIp) {
        String cacheKey = sha256(apiKey) + "|" + clientIp;
        Instant now = clock.instant();
        Cached cached = cache.get(cacheKey);
        if (cached != null
                && now.isBefore(cached.until())
                && cached.verification().scopes().containsAll(requiredScopes)) {
            return cached.verification();
        }
        return ask(apiKey, requiredScopes, clientIp, cacheKey, now);
    }

    private Verification ask(
            String apiKey, List<String> requiredScopes, String clientIp, String cacheKey, Instant now) {
        Map<String, Object> body = new HashMap<>();
        body.put("key", apiKey);
        body.put("required_scopes", requiredScopes);
        body.put("client_ip", clientIp);
        try (Response response = api.verify(serviceToken.authorization(), body)) {
            if (response.getStatus() != 200) {
                throw PairingClient.unavailable("key-rotation-service verification", response.getStatus());
            }
            JsonNode json = mapper.readTree(response.readEntity(String.class));
            Verification verification = new Verification(
                    json.path("valid").asBoolean(false),
                    PairingClient.text(json, "code"),
                    PairingClient.text(json, "key_id"),
                    PairingClient.text(json, "account_id"),
                    PairingClient.scopes(json),
                    instant(PairingClient.text(json, "expires_at")));
            // key-rotation-service counts every verification against the key's rate limit: an answer about a
            // rate-limited key is never reused (nor one that does not say, from an older key-rotation-service)
            boolean reusable = json.path("rate_limited").isBoolean()
                    && !json.path("rate_limited").asBoolean();
            if (verification.valid() && reusable) {
                Instant until = now.plus(config.keyVerificationCache());
                if (verification.expiresAt() != null && verification.expiresAt().isBefore(until)) {
                    until = verification.expiresAt();
                }
                cache.put(cacheKey, new Cached(verification, until));
            } else {
                cache.remove(cacheKey);
            }
            if (cache.size() > 10_000) {
                cache.values().removeIf(c -> !now.isBefore(c.until()));
            }
            return verification;
        } catch (jakarta.ws.rs.WebApplicationException e) {
            throw new UpstreamUnavailableException(
                    "unexpected upstream answer HTTP " + e.getResponse().getStatus(), e);
        } catch (ProcessingException e) {
            throw new UpstreamUnavailableException("key-rotation-service is unreachable", e);
        } catch (java.io.IOException e) {
            throw new UpstreamUnavailableException("key-rotation-service answered something that is not JSON", e);
        }
    }

    /** Drops cached verifications of a key (on {@code key.revoked} / {@code key.rotated}). */
    public void forget(String keyId) {
        cache.values().removeIf(c -> keyId.equals(c.verification().keyId()));
    }

    private static Instant instant(String value) {
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static String sha256(String value) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
