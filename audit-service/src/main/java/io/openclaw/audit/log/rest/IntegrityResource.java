package io.openclaw.audit.log.rest;

import io.openclaw.audit.log.IntegrityCheck;
import io.openclaw.audit.web.Caller;
import io.openclaw.audit.web.Cursor;
import io.openclaw.audit.web.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** {@code GET /v1/audit/integrity}: recomputes the hash chains and names the first broken link. */
@Path("/v1/audit/integrity")
@Produces(MediaType.APPLICATION_JSON)
public class IntegrityResource {

    private final IntegrityCheck check;
    private final JsonWebToken jwt;

    public IntegrityResource(DataSource dataSource, JsonWebToken jwt) {
        this.check = new IntegrityCheck(dataSource);
        this.jwt = jwt;
    }

    @GET
    @RolesAllowed({"audit:read", Caller.PLATFORM_ADMIN})
    public Map<String, Object> verify(
            @QueryParam("chain") String chain,
            @QueryParam("from_sequence") String fromText,
            @QueryParam("to_sequence") String toText)
            throws SQLException {
        Cursor.filter("chain", chain);
        Long from = sequence("from_sequence", fromText);
        Long to = sequence("to_sequence", toText);
        if ((from != null && from < 1) || (to != null && to < 1) || (from != null && to != null && from > to)) {
            throw ProblemException.badRequest(
                    "invalid_parameter", "from_sequence and to_sequence must be positive and in order");
        }
        Caller caller = Caller.of(jwt);
        IntegrityCheck.Report report = check.verify(chain, from, to);
        List<Map<String, Object>> chains = new ArrayList<>();
        for (IntegrityCheck.ChainReport c : report.chains()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("chain", c.chain());
            item.put("first_sequence", c.firstSequence());
            item.put("last_sequence", c.lastSequence());
            item.put("checked", c.checked());
            item.put("status", c.broken() == null ? "intact" : "broken");
            chains.add(item);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", report.intact() ? "intact" : "broken");
        body.put("checked", report.checked());
        body.put("first_broken", view(report.firstBreak(), caller));
        body.put("chains", chains);
        return body;
    }

    private static Long sequence(String name, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("invalid_parameter", name + " must be a number");
        }
    }

    private static Map<String, Object> view(IntegrityCheck.Break b, Caller caller) {
        if (b == null) {
            return null;
        }
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("chain", b.chain());
        item.put("sequence", b.sequence());
        item.put("problem", b.problem());
        item.put("event_id", b.eventId() != null && caller.maySee(b.accountId()) ? b.eventId() : null);
        return item;
    }
}
