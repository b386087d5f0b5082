package io.openclaw.keys.verify;

import io.openclaw.events.DisplayText;
import io.openclaw.events.SecretGuard;
import io.openclaw.keys.web.Caller;
import io.openclaw.keys.web.Problem;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * {@code POST /v1/keys/verify} ({@code keys:verify}): always 200 with {@code valid} and one {@code code}.
 * The user agent goes into {@code key.used}/{@code key.rejected} with control, bidi and format characters
 * replaced by {@code ?} and cut to the schema's 512 characters.
 * Runs on the event loop: a cached key is answered without any thread hand-off (see {@link KeyVerifier}).
 */
@Path("/v1/keys/verify")
public class VerifyResource {

    private final KeyVerifier verifier;
    private final JsonWebToken jwt;

    public VerifyResource(KeyVerifier verifier, JsonWebToken jwt) {
        this.verifier = verifier;
        this.jwt = jwt;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed("keys:verify")
    public Uni<Verification.Answer> verify(VerifyRequest request, @HeaderParam("User-Agent") String userAgentHeader) {
        if (request == null) {
            throw Problem.badRequest("invalid_body", "a JSON body with 'key' is required");
        }
        if (request.key() == null) {
            throw Problem.badRequest("key_required", "'key' is required");
        }
        if (request.requiredScopes() != null
                && request.requiredScopes().stream().anyMatch(s -> s == null)) {
            throw Problem.badRequest("invalid_scopes", "required_scopes holds scope names");
        }
        // Only for events: cleaned (not refused) so that a key used with an odd user agent is still seen.
        String userAgent =
                DisplayText.forEvent(request.userAgent() != null ? request.userAgent() : userAgentHeader, 512);
        if (SecretGuard.looksLikeCredential(userAgent)) {
            userAgent = "[redacted]";
        }
        return verifier.verify(Caller.of(jwt), request, userAgent).map(Verification::body);
    }
}
