package io.openclaw.token.signing;

import io.openclaw.token.config.TokenConfig;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The JWKS (every published key: next, active, retiring) and RFC 8414 metadata. */
@Path("/.well-known")
public class DiscoveryEndpoints {

    private final SigningKeyRing keyRing;
    private final TokenConfig config;
    private final String issuer;

    public DiscoveryEndpoints(
            SigningKeyRing keyRing, TokenConfig config, @ConfigProperty(name = "openclaw.issuer") String issuer) {
        this.keyRing = keyRing;
        this.config = config;
        this.issuer = issuer;
    }

    @GET
    @Path("/jwks.json")
    @Produces({"application/jwk-set+json", MediaType.APPLICATION_JSON})
    public Response jwks() {
        List<Map<String, Object>> keys = keyRing.published().stream()
                .sorted((a, b) -> a.createdAt().compareTo(b.createdAt()))
                .map(SigningKey::jwk)
                .toList();
        return Response.ok(Map.of("keys", keys))
                .type(MediaType.APPLICATION_JSON)
                .header(
                        "Cache-Control",
                        "public, max-age=" + config.jwksMaxAge().toSeconds())
                .build();
    }

    @GET
    @Path("/oauth-authorization-server")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> metadata() {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("issuer", issuer);
        metadata.put("token_endpoint", base + "/v1/oauth/token");
        metadata.put("jwks_uri", base + "/.well-known/jwks.json");
        metadata.put("revocation_endpoint", base + "/v1/oauth/revoke");
        metadata.put("introspection_endpoint", base + "/v1/oauth/introspect");
        metadata.put("device_authorization_endpoint", base + "/v1/oauth/device_authorization");
        metadata.put("pairing_endpoint", base + "/v1/auth/pair");
        metadata.put("devices_endpoint", base + "/v1/devices");
        metadata.put(
                "grant_types_supported",
                List.of(
                        "urn:openclaw:params:oauth:grant-type:pairing_code",
                        "urn:ietf:params:oauth:grant-type:device_code",
                        "refresh_token",
                        "client_credentials"));
        metadata.put("response_types_supported", List.of());
        metadata.put(
                "token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post", "none"));
        metadata.put("revocation_endpoint_auth_methods_supported", List.of("none"));
        metadata.put("introspection_endpoint_auth_methods_supported", List.of("bearer"));
        metadata.put("token_endpoint_auth_signing_alg_values_supported", List.of("RS256", "ES256"));
        metadata.put("access_token_signing_alg_values_supported", List.of("RS256", "ES256"));
        metadata.put(
                "scopes_supported",
                List.of(
                        "pairing:issue",
                        "keys:manage",
                        "tokens:introspect",
                        "devices:read",
                        "devices:revoke",
                        "audit:read",
                        "alerts:manage",
                        "platform:admin",
                        "data:read",
                        "data:write",
                        "device:control",
                        "user:profile:read",
                        "ai:sentiment_analysis",
                        "ai:translation"));
        return metadata;
    }
}
