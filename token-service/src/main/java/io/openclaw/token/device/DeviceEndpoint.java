package io.openclaw.token.device;

import io.openclaw.token.grant.ClientContext;
import io.openclaw.token.problem.ProblemException;
import io.openclaw.token.store.Database;
import io.openclaw.token.store.Sql;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** {@code GET /v1/devices} and {@code DELETE /v1/devices/{id}}, scoped to the caller's account. */
@Path("/v1/devices")
@Blocking
public class DeviceEndpoint {

    private static final Pattern DEVICE_ID = Pattern.compile("dev_[0-9A-Z]{20}");

    private final Database database;
    private final DeviceRevocation revocation;
    private final JsonWebToken caller;

    public DeviceEndpoint(Database database, DeviceRevocation revocation, JsonWebToken caller) {
        this.database = database;
        this.revocation = revocation;
        this.caller = caller;
    }

    @GET
    @RolesAllowed("devices:read")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> list() {
        String account = account();
        List<Map<String, Object>> devices = database.inTransaction(connection -> {
            List<Map<String, Object>> rows = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT d.id, d.name, d.scopes, d.state, d.created_at, d.revoked_at, d.revoked_reason,"
                            + " d.grant_type, d.origin_id, f.last_used_at, f.absolute_expires_at"
                            + " FROM device d LEFT JOIN refresh_family f ON f.device_id = d.id"
                            + " WHERE d.account_id = ? ORDER BY d.created_at DESC LIMIT 1000")) {
                select.setString(1, account);
                ResultSet row = select.executeQuery();
                while (row.next()) {
                    Map<String, Object> device = new LinkedHashMap<>();
                    device.put("id", row.getString(1));
                    device.put("name", row.getString(2));
                    device.put("scopes", Sql.strings(row.getArray(3)));
                    device.put("state", row.getString(4));
                    device.put("created_at", String.valueOf(Sql.instant(row.getTimestamp(5))));
                    device.put("last_used_at", string(Sql.instant(row.getTimestamp(10))));
                    device.put("expires_at", string(Sql.instant(row.getTimestamp(11))));
                    device.put("revoked_at", string(Sql.instant(row.getTimestamp(6))));
                    device.put("revoked_reason", row.getString(7));
                    device.put("grant_type", row.getString(8));
                    device.put("pairing_id", row.getString(9));
                    rows.add(device);
                }
            }
            return rows;
        });
        return Map.of("devices", devices);
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed("devices:revoke")
    public Response revoke(
            @PathParam("id") String deviceId, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        if (deviceId == null || !DEVICE_ID.matcher(deviceId).matches()) {
            throw ProblemException.notFound("no such device");
        }
        String ip =
                request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        DeviceRevocation.Result result = revocation.revoke(
                account(),
                deviceId,
                caller.getSubject(),
                "revoked_by_owner",
                new ClientContext(ip, headers.getHeaderString(HttpHeaders.USER_AGENT)));
        if (result == DeviceRevocation.Result.NOT_FOUND) {
            throw ProblemException.notFound("no such device");
        }
        return Response.noContent().build();
    }

    private String account() {
        String account = caller.getClaim("acc");
        if (account == null || account.isBlank()) {
            throw ProblemException.notFound("the caller belongs to no account");
        }
        return account;
    }

    private static String string(Object value) {
        return value == null ? null : value.toString();
    }
}
