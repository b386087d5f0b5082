package io.openclaw.token.problem;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.openclaw.events.delivery.AuditUnavailableException;
import io.openclaw.events.problem.ProblemDetails;
import io.openclaw.token.grant.OAuthException;
import io.openclaw.token.store.StoreUnavailableException;
import io.openclaw.token.upstream.UpstreamUnavailableException;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error answer: RFC 6749 §5.2 JSON on the OAuth endpoints, RFC 9457 problem+json with a stable
 * {@code code} everywhere else. Never a stack trace.
 */
public class ErrorResponses {

    public static final String PROBLEM_JSON = "application/problem+json";
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
            new com.fasterxml.jackson.databind.ObjectMapper();

    @ServerExceptionMapper
    public Response oauth(OAuthException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.error());
        body.put("error_description", e.description());
        Response.ResponseBuilder response = Response.status(e.status())
                .type("application/json")
                .header("Cache-Control", "no-store")
                .entity(body);
        e.headers().forEach(response::header);
        return response.build();
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return problem(e.status(), e.code(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response storeUnavailable(StoreUnavailableException e, UriInfo uri) {
        Log.warnf("request failed: %s", e.getMessage());
        return unavailable(uri, "the token store is temporarily unavailable, retry");
    }

    @ServerExceptionMapper
    public Response upstreamUnavailable(UpstreamUnavailableException e, UriInfo uri) {
        Log.warnf("request failed: %s", e.getMessage());
        return unavailable(uri, "a platform service is temporarily unavailable, retry");
    }

    /** The fail-closed audit switch refused: nothing was handed out, the client retries later. */
    @ServerExceptionMapper
    public Response auditUnavailable(AuditUnavailableException e, UriInfo uri) {
        return unavailable(uri, "the audit event stream is temporarily unavailable, retry");
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e) {
        return problem(400, "unknown_field", "unknown field '" + e.getPropertyName() + "'");
    }

    @ServerExceptionMapper
    public Response wrongType(InvalidFormatException e) {
        return problem(400, "wrong_type", "a field has the wrong type" + path(e));
    }

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return problem(400, "wrong_type", "a field has the wrong type" + path(e));
    }

    @ServerExceptionMapper
    public Response malformed(JsonParseException e) {
        return problem(400, "malformed_json", "the body is not valid JSON");
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return problem(400, "malformed_json", "the body is not valid JSON");
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return Response.fromResponse(problem(401, "unauthorized", "a valid bearer token is required"))
                .header("WWW-Authenticate", "Bearer")
                .build();
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return unauthorized(null);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return problem(403, "insufficient_scope", "the token lacks the scope this endpoint requires");
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String code =
                switch (status) {
                    case 400 -> "bad_request";
                    case 404 -> "not_found";
                    case 405 -> "method_not_allowed";
                    case 406 -> "not_acceptable";
                    case 413 -> "payload_too_large";
                    case 415 -> "unsupported_media_type";
                    default -> status >= 500 ? "internal_error" : "bad_request";
                };
        String detail = status >= 500
                ? "internal error"
                : e.getResponse().getStatusInfo().getReasonPhrase();
        return problem(status, code, detail);
    }

    /** A client connection pool (Redis, an upstream service) at its limit: a passing condition, not a bug. */
    @ServerExceptionMapper
    public Response poolTooBusy(ConnectionPoolTooBusyException e, UriInfo uri) {
        Log.debugf("connection pool full: %s", e.getMessage());
        return unavailable(uri, "the service is too busy, retry shortly");
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        Log.errorf("unexpected %s: %s", e.getClass().getName(), e.getMessage());
        return problem(500, "internal_error", "internal error");
    }

    private static Response unavailable(UriInfo uri, String description) {
        String path = uri == null ? "" : uri.getPath();
        if (path.startsWith("/v1/oauth/") || path.startsWith("/v1/auth/")) {
            return Response.status(503)
                    .type("application/json")
                    .header("Cache-Control", "no-store")
                    .header("Retry-After", "5")
                    .entity(Map.of("error", "temporarily_unavailable", "error_description", description))
                    .build();
        }
        return Response.fromResponse(problem(503, "temporarily_unavailable", description))
                .header("Retry-After", "5")
                .build();
    }

    private static String path(MismatchedInputException e) {
        StringBuilder path = new StringBuilder();
        e.getPath().forEach(ref -> {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            }
        });
        return path.length() == 0 ? "" : ": '" + path + "'";
    }

    public static Response problem(int status, String code, String detail) {
        Map<String, Object> body = ProblemDetails.body(status, code, detail);
        try {
            return Response.status(status)
                    .type(PROBLEM_JSON)
                    .entity(MAPPER.writeValueAsString(body))
                    .build();
        } catch (JsonProcessingException e) {
            return Response.status(status).build();
        }
    }
}
