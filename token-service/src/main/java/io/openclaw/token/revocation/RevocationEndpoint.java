package io.openclaw.token.revocation;

import io.openclaw.token.grant.OAuthForm;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

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
    public Response revoke(String body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        String presented = OAuthForm.parse(body).required("token");
        String ip =
                request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        revocation.revoke(
                presented,
                new io.openclaw.token.grant.ClientContext(ip, headers.getHeaderString(HttpHeaders.USER_AGENT)));
        return Response.ok().header("Cache-Control", "no-store").build();
    }
}
