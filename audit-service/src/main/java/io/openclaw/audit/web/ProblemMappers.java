package io.openclaw.audit.web;

import io.openclaw.events.problem.ProblemDetails;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
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

    /** No token, or one that is malformed, unsigned, expired or not ours: 401 with a Bearer challenge. */
    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return unauthorized();
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return unauthorized();
    }

    /** A valid token without the scope the call needs. */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return insufficientScope();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status == 401) {
            return unauthorized();
        }
        if (status == 403) {
            return insufficientScope();
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

    /**
     * PostgreSQL refused a value of the request (SQLSTATE class 22, data exception: a timestamp out of range, a
     * NUL in text): 400, as the parameters are checked before they get this far. Anything else (the store is
     * down, unreachable or out of connections): 503. Nothing of the query is echoed.
     */
    @ServerExceptionMapper
    public Response database(SQLException e) {
        String state = e.getSQLState();
        if (state != null && state.startsWith("22")) {
            Log.warnf("audit store refused a request value: SQLState %s", state);
            return problem(400, "invalid_parameter", "a parameter holds a value the audit store cannot take");
        }
        Log.warnf("audit store query failed: SQLState %s", state);
        return Response.fromResponse(problem(503, "store_unavailable", "the audit store is unavailable; retry later"))
                .header("Retry-After", 5)
                .build();
    }

    private static Response unauthorized() {
        return Response.fromResponse(problem(401, "unauthorized", "a valid bearer access token is required"))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .build();
    }

    private static Response insufficientScope() {
        return problem(403, "insufficient_scope", "the access token lacks the scope this call needs");
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
