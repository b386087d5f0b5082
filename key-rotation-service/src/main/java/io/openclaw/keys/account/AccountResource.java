package io.openclaw.keys.account;

import io.openclaw.keys.web.Caller;
import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** {@code /v1/accounts}: platform admins create accounts; an account principal may read its own. */
@Path("/v1/accounts")
@Produces(MediaType.APPLICATION_JSON)
public class AccountResource {

    private final Accounts accounts;
    private final JsonWebToken jwt;

    public AccountResource(Accounts accounts, JsonWebToken jwt) {
        this.accounts = accounts;
        this.jwt = jwt;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("platform:admin")
    public Response create(AccountRequests.Create request) {
        Account account = accounts.create(Caller.of(jwt), request);
        return Response.created(URI.create("/v1/accounts/" + account.id()))
                .entity(view(account))
                .build();
    }

    @GET
    @Path("/{id}")
    @Authenticated
    public Map<String, Object> get(@PathParam("id") String id) {
        return view(accounts.get(Caller.of(jwt), id));
    }

    static Map<String, Object> view(Account account) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", account.id());
        view.put("name", account.name());
        view.put("device_scopes", account.deviceScopes());
        view.put("device_client_id", account.id());
        view.put("leak_policy", account.leakPolicy());
        view.put("created_at", account.createdAt());
        return view;
    }
}
