package io.openclaw.pairing.device;

import io.openclaw.pairing.web.Caller;
import io.openclaw.pairing.web.RequestOrigin;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The account owner approves or denies a device by the user_code it shows. */
@Path("/v1/device/verify")
@RolesAllowed("pairing:issue")
public class DeviceVerificationResource {

    private final DeviceAuthorizations authorizations;
    private final JsonWebToken token;

    public DeviceVerificationResource(DeviceAuthorizations authorizations, JsonWebToken token) {
        this.authorizations = authorizations;
        this.token = token;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public VerifyResult verify(VerifyRequest request, @Context HttpServerRequest http) {
        return authorizations.decide(Caller.of(token), request, RequestOrigin.of(http));
    }
}
