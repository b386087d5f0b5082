package io.openclaw.keys.web;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.openclaw.events.delivery.AuditUnavailableException;
import io.openclaw.events.http.StrictJson;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure into a problem+json answer: a stable code, a useful message, never a stack trace. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response problem(Problem problem) {
        return problem.toResponse();
    }

    @ServerExceptionMapper
    public Response unavailable(StoreUnavailableException e) {
        Log.warnf("store unavailable: %s", e.getMessage());
        return Response.fromResponse(ProblemResponses.of(503, "store_unavailable", e.getMessage()))
                .header("Retry-After", "5")
                .build();
    }

    @ServerExceptionMapper
    public Response auditUnavailable(AuditUnavailableException e) {
        Log.warnf("refused fail-closed: %s", e.getMessage());
        return Response.fromResponse(ProblemResponses.of(
                        503,
                        "audit_unavailable",
                        "the audit event stream is unavailable, nothing was issued; try again shortly"))
                .header("Retry-After", "5")
                .build();
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e) {
        return ProblemResponses.of(400, "unknown_field", "unknown field '" + e.getPropertyName() + "'");
    }

    @ServerExceptionMapper
    public Response wrongFormat(InvalidFormatException e) {
        return ProblemResponses.of(400, "invalid_type", "field '" + path(e) + "' has the wrong type or format");
    }

    @ServerExceptionMapper
    public Response wrongType(MismatchedInputException e) {
        return ProblemResponses.of(400, "invalid_type", "field '" + path(e) + "' has the wrong type");
    }

    /**
     * Jackson reports a record field given twice under its name and an alias ({@code allowed_cidrs} and
     * {@code allowlist}) as a definition problem; it is the caller's duplicate field, like one named twice.
     */
    @ServerExceptionMapper
    public Response badDefinition(InvalidDefinitionException e) {
        if (String.valueOf(e.getOriginalMessage())
                .startsWith("No fallback setter/field defined for creator property")) {
            return ProblemResponses.of(400, "invalid_json", "the body names field '" + path(e) + "' twice");
        }
        Log.error("a request body type cannot be read", e);
        return ProblemResponses.of(500, "internal_error", "internal error");
    }

    @ServerExceptionMapper
    public Response badMapping(JsonMappingException e) {
        return ProblemResponses.of(400, "invalid_body", "the body does not match the expected shape");
    }

    @ServerExceptionMapper
    public Response notJson(JsonParseException e) {
        if (StrictJson.namesAFieldTwice(e)) {
            return ProblemResponses.of(400, "invalid_json", "the body names a field twice");
        }
        return ProblemResponses.of(400, "invalid_json", "the body is not valid JSON");
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return ProblemResponses.of(401, "unauthorized", "a valid bearer access token is required");
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return ProblemResponses.of(401, "unauthorized", "a valid bearer access token is required");
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return ProblemResponses.of(403, "insufficient_scope", "the access token lacks the scope this call needs");
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return ProblemResponses.of(404, "not_found", "no such resource");
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e) {
        return ProblemResponses.of(405, "method_not_allowed", "method not allowed on this resource");
    }

    @ServerExceptionMapper
    public Response unsupported(NotSupportedException e) {
        return ProblemResponses.of(415, "unsupported_media_type", "send application/json");
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            Log.errorf("request failed with %d: %s", status, e.getClass().getSimpleName());
            return ProblemResponses.of(500, "internal_error", "internal error");
        }
        String code = status == 413
                ? "body_too_large"
                : status == 400 ? (causedByParseError(e) ? "invalid_json" : "invalid_body") : "request_rejected";
        return ProblemResponses.of(status, code, "the request was rejected (" + status + ")");
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        Log.error("unexpected failure while handling a request", e);
        return ProblemResponses.of(500, "internal_error", "internal error");
    }

    private static boolean causedByParseError(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonParseException
                    || cause instanceof com.fasterxml.jackson.core.io.JsonEOFException) {
                return true;
            }
        }
        return false;
    }

    private static String path(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
        return path.isEmpty() ? "(body)" : path;
    }
}
