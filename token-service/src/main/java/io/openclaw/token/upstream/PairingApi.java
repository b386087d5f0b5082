package io.openclaw.token.upstream;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** pairing-service's internal API (docs/architecture.md, "Internal calls"). */
@RegisterRestClient(configKey = "pairing")
@Path("/internal/v1")
interface PairingApi {

    @POST
    @Path("/redemptions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Response redeem(@HeaderParam("Authorization") String authorization, Map<String, Object> body);

    @POST
    @Path("/device-authorizations/poll")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Response poll(@HeaderParam("Authorization") String authorization, Map<String, Object> body);
}
