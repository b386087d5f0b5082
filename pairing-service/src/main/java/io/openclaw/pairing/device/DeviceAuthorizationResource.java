package io.openclaw.pairing.device;

import io.openclaw.events.http.FormUrlEncoded;
import io.openclaw.pairing.web.OAuthException;
import io.openclaw.pairing.web.RequestOrigin;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** RFC 8628 §3.1: a device asks for a device_code and a user_code (public client, form-encoded). */
@Path("/v1/oauth/device_authorization")
@PermitAll
public class DeviceAuthorizationResource {

    private final DeviceAuthorizations authorizations;

    public DeviceAuthorizationResource(DeviceAuthorizations authorizations) {
        this.authorizations = authorizations;
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response start(String body, @Context HttpServerRequest http) {
        String clientId;
        String scope;
        try {
            FormUrlEncoded form = FormUrlEncoded.parse(body);
            clientId = form.single("client_id");
            scope = form.single("scope");
        } catch (FormUrlEncoded.Malformed e) {
            throw new OAuthException(400, "invalid_request", e.getMessage());
        }
        DeviceAuthorization authorization = authorizations.start(clientId, scope, RequestOrigin.of(http));
        return Response.ok(authorization)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header("Pragma", "no-cache")
                .build();
    }
}
