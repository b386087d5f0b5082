package io.openclaw.audit.alert;

import io.openclaw.audit.config.AuditConfig;
import io.openclaw.audit.outbox.OutboxRelay;
import io.openclaw.audit.web.Caller;
import io.openclaw.audit.web.Cursor;
import io.openclaw.audit.web.KeysetPage;
import io.openclaw.audit.web.ProblemException;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.CloudEventJson;
import io.openclaw.events.EventFields;
import io.openclaw.events.EventType;
import io.openclaw.events.TraceContext;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * {@code GET /v1/alerts} and {@code POST /v1/alerts/{id}/acknowledge|resolve}. Alerts of another account
 * are answered 404; a platform admin sees every account's and the platform's own (no account).
 */
@Path("/v1/alerts")
@Produces(MediaType.APPLICATION_JSON)
public class AlertsResource {

    private static final Set<String> STATUSES = Set.of("open", "acknowledged", "resolved");
    private static final Set<String> SEVERITIES = Set.of("low", "medium", "high", "critical");
    /** Wider than the ids detection makes ({@code alr_} and 32 hex digits), narrow enough to be safe anywhere. */
    private static final Pattern ALERT_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    private final DataSource dataSource;
    private final AuditConfig config;
    private final JsonWebToken jwt;
    private final Clock clock;
    private final OutboxRelay relay;

    public AlertsResource(DataSource dataSource, AuditConfig config, JsonWebToken jwt, Clock clock, OutboxRelay relay) {
        this.dataSource = dataSource;
        this.config = config;
        this.jwt = jwt;
        this.clock = clock;
        this.relay = relay;
    }

    @GET
    @RolesAllowed({"audit:read", "alerts:manage", Caller.PLATFORM_ADMIN})
    public Map<String, Object> list(
            @QueryParam("status") String status,
            @QueryParam("severity") String severity,
            @QueryParam("rule") String rule,
            @QueryParam("account_id") String accountId,
            @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor)
            throws SQLException {
        Cursor.filter("rule", rule);
        Caller caller = Caller.of(jwt);
        String account = caller.scope(Cursor.filter("account_id", accountId));
        if (status != null && !STATUSES.contains(status)) {
            throw ProblemException.badRequest("invalid_parameter", "status must be open, acknowledged or resolved");
        }
        if (severity != null && !SEVERITIES.contains(severity)) {
            throw ProblemException.badRequest("invalid_parameter", "severity must be low, medium, high or critical");
        }
        int size = Cursor.limit(
                limit, config.query().defaultLimit(), config.query().maxLimit());
        Long after = Cursor.decode(cursor);
        StringBuilder sql = new StringBuilder("SELECT * FROM alert WHERE true");
        List<Object> params = new ArrayList<>();
        if (account != null) {
            sql.append(" AND account_id = ?");
            params.add(account);
        }
        if (status != null) {
            sql.append(" AND status = ?");
            params.add(status);
        }
        if (severity != null) {
            sql.append(" AND severity = ?");
            params.add(severity);
        }
        if (rule != null && !rule.isBlank()) {
            sql.append(" AND rule = ?");
            params.add(rule);
        }
        return KeysetPage.query(dataSource, sql, params, after, size, AlertsResource::view);
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({"audit:read", "alerts:manage", Caller.PLATFORM_ADMIN})
    public Map<String, Object> get(@PathParam("id") String id) throws SQLException {
        requireWellFormed(id);
        Caller caller = Caller.of(jwt);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT * FROM alert WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !caller.maySee(rs.getString("account_id"))) {
                    throw ProblemException.notFound("no alert " + safe(id));
                }
                return view(rs);
            }
        }
    }

    @POST
    @Path("/{id}/acknowledge")
    @RolesAllowed({"alerts:manage", Caller.PLATFORM_ADMIN})
    public Map<String, Object> acknowledge(@PathParam("id") String id) throws SQLException {
        return transition(
                id,
                "UPDATE alert SET status = 'acknowledged', acknowledged_at = ?, acknowledged_by = ? "
                        + "WHERE id = ? AND status = 'open' AND (account_id = ? OR ?) RETURNING *",
                EventType.ALERT_ACKNOWLEDGED,
                "acknowledged");
    }

    @POST
    @Path("/{id}/resolve")
    @RolesAllowed({"alerts:manage", Caller.PLATFORM_ADMIN})
    public Map<String, Object> resolve(@PathParam("id") String id) throws SQLException {
        return transition(
                id,
                "UPDATE alert SET status = 'resolved', resolved_at = ?, resolved_by = ? "
                        + "WHERE id = ? AND status IN ('open', 'acknowledged') AND (account_id = ? OR ?) RETURNING *",
                EventType.ALERT_RESOLVED,
                "resolved");
    }

    private Map<String, Object> transition(String id, String update, EventType type, String verb) throws SQLException {
        requireWellFormed(id);
        Caller caller = Caller.of(jwt);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Map<String, Object> changed = null;
                try (PreparedStatement ps = c.prepareStatement(update)) {
                    ps.setObject(1, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
                    ps.setString(2, caller.principal());
                    ps.setString(3, id);
                    ps.setString(4, caller.accountId());
                    ps.setBoolean(5, caller.platformAdmin());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            changed = view(rs);
                        }
                    }
                }
                if (changed == null) {
                    c.rollback();
                    throw conflictOrMissing(c, id, caller, verb);
                }
                CloudEvent event = CloudEvent.builder(type)
                        .source("/audit-service")
                        .time(clock.instant())
                        .accountId((String) changed.get("account_id"))
                        .actor(caller.principal())
                        .subject(id)
                        .data(EventFields.ALERT_ID, id)
                        .traceparent(TraceContext.currentTraceparent())
                        .build();
                try (PreparedStatement ps =
                        c.prepareStatement("INSERT INTO outbox (topic, event_key, event_json) VALUES (?,?,?)")) {
                    ps.setString(1, type.topic());
                    ps.setString(2, event.partitionKey());
                    ps.setString(3, CloudEventJson.toJson(event));
                    ps.executeUpdate();
                }
                c.commit();
                relay.wake();
                return changed;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static ProblemException conflictOrMissing(Connection c, String id, Caller caller, String verb)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT account_id, status FROM alert WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !caller.maySee(rs.getString(1))) {
                    return ProblemException.notFound("no alert " + safe(id));
                }
                return new ProblemException(
                        409, "invalid_state", "alert is " + rs.getString(2) + " and cannot be " + verb);
            }
        }
    }

    /**
     * An id that could not be an alert's (a NUL, which PostgreSQL refuses, a line break, a long string) is
     * answered like an unknown one and never reaches the store.
     */
    private static void requireWellFormed(String id) {
        if (id == null || !ALERT_ID.matcher(id).matches()) {
            throw ProblemException.notFound("no such alert");
        }
    }

    private static String safe(String id) {
        return id.length() > 64 ? id.substring(0, 64) : id;
    }

    private static Map<String, Object> view(ResultSet rs) throws SQLException {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", rs.getString("id"));
        item.put("account_id", rs.getString("account_id"));
        item.put("rule", rs.getString("rule"));
        item.put("severity", rs.getString("severity"));
        item.put("subject", rs.getString("subject"));
        item.put("summary", rs.getString("summary"));
        Object evidence = io.openclaw.audit.log.AuditStore.parseData(rs.getString("evidence"))
                .get("ids");
        item.put("evidence", evidence);
        item.put("status", rs.getString("status"));
        item.put("raised_at", time(rs, "raised_at"));
        item.put("acknowledged_at", time(rs, "acknowledged_at"));
        item.put("acknowledged_by", rs.getString("acknowledged_by"));
        item.put("resolved_at", time(rs, "resolved_at"));
        item.put("resolved_by", rs.getString("resolved_by"));
        item.put("event_id", rs.getString("event_id"));
        return item;
    }

    private static String time(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant().toString();
    }
}
