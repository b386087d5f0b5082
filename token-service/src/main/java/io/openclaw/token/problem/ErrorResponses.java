package io.openclaw.token.problem;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.openclaw.events.delivery.AuditUnavailableException;
import io.openclaw.events.http.StrictJson;
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
        Response.ResponseBuilder response = Response.fromResponse(oauthError(e.status(), e.error(), e.description()));
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
    public Response unknownField(UnrecognizedPropertyException e, UriInfo uri) {
        return badJson(uri, "unknown_field", "unknown field '" + e.getPropertyName() + "'");
    }

    @ServerExceptionMapper
    public Response wrongType(InvalidFormatException e, UriInfo uri) {
        return badJson(uri, "wrong_type", "a field has the wrong type" + path(e));
    }

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e, UriInfo uri) {
        return badJson(uri, "wrong_type", "a field has the wrong type" + path(e));
    }

    /** Not JSON, or a field named twice (platform-events {@code StrictJson}). */
    @ServerExceptionMapper
    public Response malformed(JsonParseException e, UriInfo uri) {
        return badJson(
                uri,
                "malformed_json",
                StrictJson.namesAFieldTwice(e) ? "the body names a field twice" : "the body is not valid JSON");
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, UriInfo uri) {
        return badJson(uri, "malformed_json", "the body is not valid JSON");
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

    /**
     * What JAX-RS refuses before an endpoint runs (wrong method, Content-Type or Accept, unknown path). On the
     * OAuth endpoints that is a malformed request, {@code invalid_request} in RFC 6749 §5.2 JSON, with the
     * same status; a 405 there names {@code Allow: POST}.
     */
    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
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
        Response answer;
        if (status < 500 && isOAuth(uri)) {
            answer = oauthError(status, "invalid_request", describe(status, detail));
        } else {
            answer = problem(status, code, detail);
        }
        // every OAuth endpoint takes POST only; JAX-RS does not say which methods a path allows
        String allow = isOAuth(uri) ? "POST" : e.getResponse().getHeaderString("Allow");
        if (status == 405 && allow != null) {
            answer = Response.fromResponse(answer).header("Allow", allow).build();
        }
        return answer;
    }

    /** A client connection pool (Redis, an upstream service) at its limit: a passing condition, not a bug. */
    @ServerExceptionMapper
    public Response poolTooBusy(ConnectionPoolTooBusyException e, UriInfo uri) {
        Log.debugf("connection pool full: %s", e.getMessage());
        return unavailable(uri, "the service is too busy, retry shortly");
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, UriInfo uri) {
        Log.errorf("unexpected %s: %s", e.getClass().getName(), e.getMessage());
        return isOAuth(uri)
                ? oauthError(500, "server_error", "internal error")
                : problem(500, "internal_error", "internal error");
    }

    /** The OAuth endpoints ({@code /v1/oauth/*}) and their JSON twin ({@code /v1/auth/pair}) answer RFC 6749 JSON. */
    private static boolean isOAuth(UriInfo uri) {
        String path = uri == null ? "" : uri.getPath();
        return path.startsWith("/v1/oauth/") || path.startsWith("/v1/auth/");
    }

    /** A JSON body Jackson refused: problem+json with its code, or {@code invalid_request} on an OAuth endpoint. */
    private static Response badJson(UriInfo uri, String code, String detail) {
        return isOAuth(uri) ? oauthError(400, "invalid_request", detail) : problem(400, code, detail);
    }

    private static String describe(int status, String reason) {
        return switch (status) {
            case 405 -> "the method is not allowed: use POST";
            case 415 -> "the Content-Type is not supported by this endpoint";
            case 406 -> "the Accept header excludes application/json";
            case 404 -> "no such endpoint";
            default -> reason == null ? "bad request" : reason.toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** An RFC 6749 §5.2 error body. */
    public static Response oauthError(int status, String error, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        return Response.status(status)
                .type("application/json")
                .header("Cache-Control", "no-store")
                .entity(body)
                .build();
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
