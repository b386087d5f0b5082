package io.openclaw.token.introspection;

import io.openclaw.token.access.AccessTokenVerifier;
import io.openclaw.token.grant.OAuthException;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;

/**
 * {@code POST /v1/oauth/introspect} (RFC 7662, caller needs {@code tokens:introspect}). Anything not valid
 * (bad signature, expired, not yet valid, wrong audience, revoked, another account's) is
 * {@code {"active":false}} and nothing more.
 */
@Path("/v1/oauth/introspect")
@Blocking
public class IntrospectionEndpoint {

    private static final Map<String, Object> INACTIVE = Map.of("active", false);

    private final AccessTokenVerifier verifier;
    private final JsonWebToken caller;

    public IntrospectionEndpoint(AccessTokenVerifier verifier, JsonWebToken caller) {
        this.verifier = verifier;
        this.caller = caller;
    }

    @POST
    @RolesAllowed("tokens:introspect")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response introspect(MultivaluedMap<String, String> form) {
        List<String> tokens = form == null ? null : form.get("token");
        if (tokens == null
                || tokens.isEmpty()
                || tokens.get(0) == null
                || tokens.get(0).isEmpty()) {
            throw OAuthException.invalidRequest("token is required");
        }
        if (tokens.size() > 1) {
            throw OAuthException.invalidRequest("token must not be repeated");
        }
        Optional<JwtClaims> verified = verifier.verify(tokens.get(0));
        Map<String, Object> answer = verified.filter(this::visibleToCaller)
                .map(IntrospectionEndpoint::describe)
                .orElse(INACTIVE);
        return Response.ok(answer).header("Cache-Control", "no-store").build();
    }

    /** The platform admin sees every token; anyone else only their own account's. */
    private boolean visibleToCaller(JwtClaims claims) {
        if (caller.getGroups().contains("platform:admin")) {
            return true;
        }
        String callerAccount = caller.getClaim("acc");
        return callerAccount != null && Objects.equals(callerAccount, claims.getClaimValueAsString("acc"));
    }

    private static Map<String, Object> describe(JwtClaims claims) {
        try {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("active", true);
            answer.put("scope", claims.getClaimValueAsString("scope"));
            answer.put("client_id", claims.getClaimValueAsString("client_id"));
            answer.put("token_type", "Bearer");
            answer.put("exp", claims.getExpirationTime().getValue());
            answer.put("iat", claims.getIssuedAt().getValue());
            answer.put("sub", claims.getSubject());
            answer.put("aud", claims.getAudience());
            answer.put("iss", claims.getIssuer());
            answer.put("jti", claims.getJwtId());
            if (claims.hasClaim("acc")) {
                answer.put("acc", claims.getClaimValueAsString("acc"));
            }
            return answer;
        } catch (MalformedClaimException e) {
            return INACTIVE;
        }
    }
}
