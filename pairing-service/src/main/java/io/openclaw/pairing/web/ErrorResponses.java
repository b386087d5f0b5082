package io.openclaw.pairing.web;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.openclaw.events.delivery.AuditUnavailableException;
import io.openclaw.events.http.StrictJson;
import io.openclaw.pairing.events.FailClosedAudit;
import io.openclaw.pairing.store.StoreUnavailableException;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Maps every failure to problem+json (or RFC 6749 JSON on OAuth endpoints); never a stack trace. */
public class ErrorResponses {

    private final FailClosedAudit audit;

    public ErrorResponses(FailClosedAudit audit) {
        this.audit = audit;
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        Response.ResponseBuilder response =
                Response.status(e.status()).type(Problem.MEDIA_TYPE).entity(e.problem());
        if (e.retryAfter() != null) {
            response.header(HttpHeaders.RETRY_AFTER, seconds(e.retryAfter()));
        }
        return response.build();
    }

    @ServerExceptionMapper
    public Response oauth(OAuthException e) {
        Response.ResponseBuilder response = Response.status(e.status())
                .type("application/json")
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .entity(e.body());
        if (e.retryAfter() != null) {
            response.header(HttpHeaders.RETRY_AFTER, seconds(e.retryAfter()));
        }
        return response.build();
    }

    /** The fail-closed audit switch refused: the operation's event could not reach the event stream. */
    @ServerExceptionMapper
    public Response auditUnavailable(AuditUnavailableException e) {
        return Response.status(503)
                .type(Problem.MEDIA_TYPE)
                .header(HttpHeaders.RETRY_AFTER, seconds(audit.retryAfter()))
                .entity(Problem.of(
                        503,
                        "audit_unavailable",
                        "the audit event stream is unavailable; nothing was issued, retry later"))
                .build();
    }

    private static long seconds(Duration duration) {
        return Math.max(1, (duration.toMillis() + 999) / 1000);
    }

    @ServerExceptionMapper
    public Response unavailable(StoreUnavailableException e) {
        return Response.status(503)
                .type(Problem.MEDIA_TYPE)
                .header(HttpHeaders.RETRY_AFTER, 5)
                .entity(Problem.of(503, "store_unavailable", "the pairing store is unavailable; nothing was done"))
                .build();
    }

    @ServerExceptionMapper
    public Response unrecognized(UnrecognizedPropertyException e) {
        return problem(ProblemException.badRequest("invalid_request", "unknown field '" + e.getPropertyName() + "'"));
    }

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return mapping(e);
    }

    @ServerExceptionMapper
    public Response invalidFormat(InvalidFormatException e) {
        return mapping(e);
    }

    @ServerExceptionMapper
    public Response parse(JsonParseException e) {
        return malformed(e);
    }

    @ServerExceptionMapper
    public Response mapping(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
        String detail =
                path.isEmpty() ? "the body is not the expected JSON object" : "field '" + path + "' has the wrong type";
        return problem(ProblemException.badRequest("invalid_request", detail));
    }

    @ServerExceptionMapper
    public Response malformed(JsonProcessingException e) {
        if (StrictJson.namesAFieldTwice(e)) {
            return problem(ProblemException.badRequest("invalid_request", "a field appears twice in the body"));
        }
        return problem(ProblemException.badRequest("invalid_request", "the body is not well-formed JSON"));
    }

    @ServerExceptionMapper
    public Response unauthenticated(UnauthorizedException e) {
        return unauthorized();
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return unauthorized();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return problem(new ProblemException(403, "forbidden", "the token lacks the scope this operation needs"));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        // the JSON reader may wrap what it could not read (a number out of range, bytes that are not UTF-8)
        if (status == 400 && e.getCause() instanceof JsonMappingException mapping) {
            return mapping(mapping);
        }
        if (status == 400 && e.getCause() instanceof JsonProcessingException processing) {
            return malformed(processing);
        }
        String code =
                switch (status) {
                    case 400 -> "invalid_request";
                    case 401 -> "unauthorized";
                    case 403 -> "forbidden";
                    case 404 -> "not_found";
                    case 405 -> "method_not_allowed";
                    case 406 -> "not_acceptable";
                    case 413 -> "payload_too_large";
                    case 415 -> "unsupported_media_type";
                    default -> status >= 500 ? "internal_error" : "invalid_request";
                };
        if (status >= 500) {
            Log.errorf(e, "request failed with %d", status);
        }
        String detail = status >= 500 ? "the request could not be completed" : e.getMessage();
        return problem(new ProblemException(status, code, detail));
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        Log.error("unexpected failure", e);
        return problem(new ProblemException(500, "internal_error", "the request could not be completed"));
    }

    private Response unauthorized() {
        return Response.status(401)
                .type(Problem.MEDIA_TYPE)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .entity(Problem.of(401, "unauthorized", "a valid bearer access token is required"))
                .build();
    }
}
