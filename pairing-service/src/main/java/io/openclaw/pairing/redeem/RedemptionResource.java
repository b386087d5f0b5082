package io.openclaw.pairing.redeem;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Internal: token-service redeems a pairing code on a device's behalf (service JWT with pairing:redeem). */
@Path("/internal/v1/redemptions")
@RolesAllowed("pairing:redeem")
public class RedemptionResource {

    private final Redemptions redemptions;
    private final JsonWebToken token;

    public RedemptionResource(Redemptions redemptions, JsonWebToken token) {
        this.redemptions = redemptions;
        this.token = token;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Redemption> redeem(RedemptionRequest request) {
        return redemptions.redeem(request, token.getSubject());
    }
}
