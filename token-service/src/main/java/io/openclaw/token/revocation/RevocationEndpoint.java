package io.openclaw.token.revocation;

import io.openclaw.token.grant.OAuthException;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** {@code POST /v1/oauth/revoke} (RFC 7009): 200 for every well-formed request, known token or not. */
@Path("/v1/oauth/revoke")
@Blocking
public class RevocationEndpoint {

    private final TokenRevocation revocation;

    public RevocationEndpoint(TokenRevocation revocation) {
        this.revocation = revocation;
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response revoke(
            MultivaluedMap<String, String> form, @Context HttpHeaders headers, @Context HttpServerRequest request) {
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
        String ip =
                request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        revocation.revoke(
                tokens.get(0),
                new io.openclaw.token.grant.ClientContext(ip, headers.getHeaderString(HttpHeaders.USER_AGENT)));
        return Response.ok().header("Cache-Control", "no-store").build();
    }
}
