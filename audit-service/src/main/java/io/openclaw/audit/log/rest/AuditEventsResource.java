package io.openclaw.audit.log.rest;

import io.openclaw.audit.config.AuditConfig;
import io.openclaw.audit.log.AuditRecord;
import io.openclaw.audit.log.AuditStore;
import io.openclaw.audit.log.OcsfMapping;
import io.openclaw.audit.web.Caller;
import io.openclaw.audit.web.Cursor;
import io.openclaw.audit.web.KeysetPage;
import io.openclaw.audit.web.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** {@code GET /v1/audit/events}: the audit log, newest first, filtered and keyset-paginated. */
@Path("/v1/audit/events")
@Produces(MediaType.APPLICATION_JSON)
public class AuditEventsResource {

    private static final Set<String> OUTCOMES = Set.of("success", "failure", "unknown");

    private final DataSource dataSource;
    private final AuditConfig config;
    private final JsonWebToken jwt;

    public AuditEventsResource(DataSource dataSource, AuditConfig config, JsonWebToken jwt) {
        this.dataSource = dataSource;
        this.config = config;
        this.jwt = jwt;
    }

    @GET
    @RolesAllowed({"audit:read", Caller.PLATFORM_ADMIN})
    public Map<String, Object> list(
            @QueryParam("type") String type,
            @QueryParam("subject") String subject,
            @QueryParam("actor") String actor,
            @QueryParam("outcome") String outcome,
            @QueryParam("since") String since,
            @QueryParam("until") String until,
            @QueryParam("account_id") String accountId,
            @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor)
            throws SQLException {
        Cursor.filter("type", type);
        Cursor.filter("subject", subject);
        Cursor.filter("actor", actor);
        Caller caller = Caller.of(jwt);
        String account = caller.scope(Cursor.filter("account_id", accountId));
        int size = Cursor.limit(
                limit, config.query().defaultLimit(), config.query().maxLimit());
        if (outcome != null && !OUTCOMES.contains(outcome)) {
            throw ProblemException.badRequest("invalid_parameter", "outcome must be success, failure or unknown");
        }
        Instant from = Cursor.instant("since", since);
        Instant to = Cursor.instant("until", until);
        Long after = Cursor.decode(cursor);

        StringBuilder sql = new StringBuilder("SELECT * FROM audit_record WHERE true");
        List<Object> params = new ArrayList<>();
        if (account != null) {
            sql.append(" AND account_id = ?");
            params.add(account);
        }
        if (type != null && !type.isBlank()) {
            if (type.endsWith("*")) {
                sql.append(" AND event_type LIKE ?");
                params.add(
                        type.substring(0, type.length() - 1).replace("%", "\\%").replace("_", "\\_") + "%");
            } else {
                sql.append(" AND event_type = ?");
                params.add(type);
            }
        }
        if (subject != null && !subject.isBlank()) {
            sql.append(" AND subject = ?");
            params.add(subject);
        }
        if (actor != null && !actor.isBlank()) {
            sql.append(" AND actor = ?");
            params.add(actor);
        }
        if (outcome != null) {
            sql.append(" AND outcome = ?");
            params.add(outcome);
        }
        if (from != null) {
            sql.append(" AND event_time >= ?");
            params.add(OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
        }
        if (to != null) {
            sql.append(" AND event_time < ?");
            params.add(OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
        }
        return KeysetPage.query(dataSource, sql, params, after, size, row -> view(AuditStore.read(row)));
    }

    static Map<String, Object> view(AuditRecord r) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", r.eventId());
        item.put("type", r.type());
        item.put("source", r.source());
        item.put("time", r.time().toString());
        item.put("account_id", r.accountId());
        item.put("actor", r.actor());
        item.put("subject", r.subject());
        item.put("outcome", r.outcome());
        item.put("reason", r.reason());
        item.put("source_ip", r.sourceIp());
        item.put("user_agent", r.userAgent());
        item.put("data", AuditStore.parseData(r.data()));
        item.put("traceparent", r.traceparent());
        OcsfMapping.OcsfClass ocsf = OcsfMapping.classOf(r.type());
        item.put(
                "ocsf",
                Map.of(
                        "class_uid", ocsf.uid(),
                        "class_name", ocsf.name(),
                        "activity", OcsfMapping.activityOf(r.type()),
                        "status", OcsfMapping.statusOf(r.outcome())));
        item.put(
                "chain",
                Map.of(
                        "name", r.chain(),
                        "sequence", r.chainSeq(),
                        "hash", r.hash(),
                        "prev_hash", r.prevHash()));
        return item;
    }
}
