package io.openclaw.pairing.device;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Internal: token-service asks for a device_code's state on every device_code grant. */
@Path("/internal/v1/device-authorizations/poll")
@RolesAllowed("pairing:redeem")
public class DevicePollResource {

    private final DeviceAuthorizations authorizations;

    public DevicePollResource(DeviceAuthorizations authorizations) {
        this.authorizations = authorizations;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public ApprovedAuthorization poll(PollRequest request) {
        return authorizations.poll(request);
    }
}
