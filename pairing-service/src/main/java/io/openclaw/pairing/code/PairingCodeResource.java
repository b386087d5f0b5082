package io.openclaw.pairing.code;

import io.openclaw.pairing.web.Caller;
import io.openclaw.pairing.web.ProblemException;
import io.openclaw.pairing.web.RequestOrigin;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.RestResponse;

/** Account owners issue, list and revoke pairing codes. */
@Path("/v1/pairing-codes")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("pairing:issue")
public class PairingCodeResource {

    private final PairingCodes codes;
    private final JsonWebToken token;

    public PairingCodeResource(PairingCodes codes, JsonWebToken token) {
        this.codes = codes;
        this.token = token;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<IssuedCode>> issue(
            IssueCodeRequest request, @QueryParam("qr") String qr, @Context HttpServerRequest http) {
        if (qr != null && !qr.equals("png") && !qr.equals("svg")) {
            throw ProblemException.badRequest("invalid_request", "qr must be png or svg");
        }
        return codes.issue(Caller.of(token), request, RequestOrigin.of(http)).map(issued -> {
            if (qr != null) {
                String uri = QrImages.pairingUri(issued.code());
                issued = issued.withQr(qr.equals("png") ? QrImages.png(uri) : QrImages.svg(uri));
            }
            // a typed answer: the JSON writer is chosen once at build time, not looked up per response
            return RestResponse.ResponseBuilder.<IssuedCode>created(URI.create("/v1/pairing-codes/" + issued.id()))
                    .header(HttpHeaders.CACHE_CONTROL, "no-store")
                    .entity(issued)
                    .build();
        });
    }

    @GET
    public ActiveCodes list() {
        return codes.list(Caller.of(token));
    }

    @GET
    @Path("/{id}")
    public ActiveCode get(@PathParam("id") String id) {
        return codes.get(Caller.of(token), id);
    }

    @DELETE
    @Path("/{id}")
    public Response revoke(@PathParam("id") String id, @Context HttpServerRequest http) {
        codes.revoke(Caller.of(token), id, RequestOrigin.of(http));
        return Response.noContent().build();
    }
}
