package io.openclaw.token.introspection;

import io.openclaw.token.access.AccessTokenVerifier;
import io.openclaw.token.access.VerifiedAccessToken;
import io.openclaw.token.grant.OAuthException;
import io.openclaw.token.grant.OAuthForm;
import io.openclaw.token.revocation.RevocationDenylist;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code POST /v1/oauth/introspect} (RFC 7662, caller needs {@code tokens:introspect}). Anything not valid
 * (bad signature, expired, not yet valid, wrong audience, revoked, another account's) is
 * {@code {"active":false}} and nothing more. A caller without a valid bearer token gets RFC 6750's 401
 * {@code invalid_token}, one without the scope 403 {@code insufficient_scope}, as OAuth error JSON.
 *
 * <p>The endpoint authenticates its caller itself, with the same checks as every other endpoint, so that
 * the caller's token and the introspected token are looked up in the denylist in one Redis round trip:
 * an introspection costs two signature checks (none for a token seen recently) and one {@code MGET}. It
 * answers on the request's event loop: the signature checks use keys in memory and the {@code MGET} does
 * not block, so an introspection costs no thread hand-off.
 */
@Path("/v1/oauth/introspect")
public class IntrospectionEndpoint {

    private static final Map<String, Object> INACTIVE = Map.of("active", false);
    private static final String SCOPE = "tokens:introspect";

    private final AccessTokenVerifier verifier;
    private final RevocationDenylist denylist;

    public IntrospectionEndpoint(AccessTokenVerifier verifier, RevocationDenylist denylist) {
        this.verifier = verifier;
        this.denylist = denylist;
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> introspect(String body, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        VerifiedAccessToken caller = verifier.check(bearer(authorization)).orElseThrow(OAuthException::invalidToken);
        if (!caller.hasScope(SCOPE)) {
            return denylist.deniedAmongAsync(caller.jti(), caller.subject()).map(denied -> {
                throw denied[0] ? OAuthException.invalidToken() : OAuthException.insufficientScope(SCOPE);
            });
        }
        String presented = OAuthForm.parse(body).required("token");
        VerifiedAccessToken token = verifier.check(presented)
                .filter(t -> visibleToCaller(caller, t))
                .orElse(null);
        Uni<boolean[]> listed = token == null
                ? denylist.deniedAmongAsync(caller.jti(), caller.subject())
                : denylist.deniedAmongAsync(caller.jti(), caller.subject(), token.jti(), token.subject());
        return listed.map(denied -> {
            if (denied[0]) {
                throw OAuthException.invalidToken();
            }
            Map<String, Object> answer = token == null || denied[1] ? INACTIVE : describe(token);
            return Response.ok(answer).header("Cache-Control", "no-store").build();
        });
    }

    private static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).trim();
    }

    /** The platform admin sees every token; anyone else only their own account's. */
    private static boolean visibleToCaller(VerifiedAccessToken caller, VerifiedAccessToken token) {
        if (caller.hasScope("platform:admin")) {
            return true;
        }
        return caller.accountId() != null && Objects.equals(caller.accountId(), token.accountId());
    }

    private static Map<String, Object> describe(VerifiedAccessToken token) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("active", true);
        answer.put("scope", token.scope());
        answer.put("client_id", token.clientId());
        answer.put("token_type", "Bearer");
        answer.put("exp", token.expiresAt());
        answer.put("iat", token.issuedAt());
        answer.put("sub", token.subject());
        answer.put("aud", token.audience());
        answer.put("iss", token.issuer());
        answer.put("jti", token.jti());
        if (token.accountId() != null) {
            answer.put("acc", token.accountId());
        }
        return answer;
    }
}
