package io.openclaw.keys.apikey;

import io.openclaw.keys.rotation.KeyRotation;
import io.openclaw.keys.support.Ids;
import io.openclaw.keys.web.Caller;
import io.openclaw.keys.web.Problem;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** {@code /v1/keys}: API key management for the caller's account ({@code keys:manage}). */
@Path("/v1/keys")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({"keys:manage", "platform:admin"})
public class KeyResource {

    private static final int MAX_PAGE = 200;

    private final ApiKeys keys;
    private final KeyRotation rotation;
    private final JsonWebToken jwt;

    public KeyResource(ApiKeys keys, KeyRotation rotation, JsonWebToken jwt) {
        this.keys = keys;
        this.rotation = rotation;
        this.jwt = jwt;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(KeyRequests.Create request) {
        ApiKeys.Created created = keys.create(Caller.of(jwt), request);
        return Response.created(URI.create("/v1/keys/" + created.key().id()))
                .header("Cache-Control", "no-store")
                .entity(KeyViews.withSecret(created.key(), created.secret()))
                .build();
    }

    @GET
    public Map<String, Object> list(
            @QueryParam("account_id") String accountId,
            @QueryParam("after") String after,
            @QueryParam("limit") String limit) {
        int size;
        try {
            size = limit == null ? 100 : Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            throw Problem.badRequest("invalid_limit", "limit is a number between 1 and " + MAX_PAGE);
        }
        if (size < 1 || size > MAX_PAGE) {
            throw Problem.badRequest("invalid_limit", "limit is between 1 and " + MAX_PAGE);
        }
        if (after != null && !Ids.isKeyId(after)) {
            // the cursor is a key id (next_after); anything else, e.g. a NUL, never reaches the database
            throw Problem.badRequest("invalid_cursor", "after is the next_after of a previous page");
        }
        List<ApiKey> page = keys.list(Caller.of(jwt), accountId, after, size);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("keys", page.stream().map(KeyViews::view).toList());
        body.put("next_after", page.size() == size ? page.get(page.size() - 1).id() : null);
        return body;
    }

    @GET
    @Path("/{id}")
    public Map<String, Object> get(@PathParam("id") String id) {
        return KeyViews.view(keys.get(Caller.of(jwt), id));
    }

    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> update(@PathParam("id") String id, KeyRequests.Update request) {
        return KeyViews.view(keys.update(Caller.of(jwt), id, request));
    }

    @DELETE
    @Path("/{id}")
    public Response revoke(@PathParam("id") String id) {
        keys.revoke(Caller.of(jwt), id);
        return Response.noContent().build();
    }

    /** The successor of a scheduled rotation, shown once to its owner. */
    @POST
    @Path("/{id}/reveal")
    public Response reveal(@PathParam("id") String id) {
        String secret = rotation.reveal(Caller.of(jwt), id);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("key", secret);
        return Response.ok(body).header("Cache-Control", "no-store").build();
    }

    @POST
    @Path("/{id}/rotate")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response rotate(@PathParam("id") String id, KeyRequests.Rotate request) {
        KeyRotation.Rotated rotated =
                rotation.rotate(Caller.of(jwt), id, request == null ? null : request.graceSeconds());
        Map<String, Object> body = KeyViews.withSecret(rotated.successor(), rotated.secret());
        Map<String, Object> previous = new LinkedHashMap<>();
        previous.put("id", rotated.previous().id());
        previous.put("stage", rotated.previous().stage());
        previous.put("grace_until", rotated.previous().graceUntil());
        body.put("previous", previous);
        return Response.created(URI.create("/v1/keys/" + rotated.successor().id()))
                .header("Cache-Control", "no-store")
                .entity(body)
                .build();
    }
}
