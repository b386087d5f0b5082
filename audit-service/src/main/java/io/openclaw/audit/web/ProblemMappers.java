package io.openclaw.audit.web;

import io.openclaw.events.problem.ProblemDetails;
import io.quarkus.logging.Log;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns errors into RFC 9457 problem+json with a stable {@code code}; never a stack trace. */
public class ProblemMappers {

    public static final String PROBLEM_JSON = ProblemDetails.MEDIA_TYPE;

    public static Response problem(int status, String code, String detail) {
        return Response.status(status)
                .type(PROBLEM_JSON)
                .entity(ProblemDetails.body(status, code, detail))
                .build();
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return problem(e.status(), e.code(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return problem(404, "not_found", "no such resource");
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status == 401 || status == 403) {
            return e.getResponse();
        }
        String code =
                switch (status) {
                    case 413 -> "payload_too_large";
                    case 415 -> "unsupported_media_type";
                    case 405 -> "method_not_allowed";
                    case 406 -> "not_acceptable";
                    default -> status >= 500 ? "internal_error" : "bad_request";
                };
        return problem(status, code, status >= 500 ? "the request could not be handled" : e.getMessage());
    }

    /** PostgreSQL could not answer (down, or refused the statement): 503, and nothing of the query is echoed. */
    @ServerExceptionMapper
    public Response database(SQLException e) {
        Log.warnf("audit store query failed: SQLState %s", e.getSQLState());
        return Response.fromResponse(problem(503, "store_unavailable", "the audit store is unavailable; retry later"))
                .header("Retry-After", 5)
                .build();
    }

    /** Anything else a resource lets out, checked or not: a problem, never the framework's error page. */
    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        if (e instanceof WebApplicationException w) {
            return webApplication(w);
        }
        Log.errorf("request failed: %s", e.toString());
        return problem(500, "internal_error", "the request could not be handled");
    }
}
