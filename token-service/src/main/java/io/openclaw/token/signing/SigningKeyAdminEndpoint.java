package io.openclaw.token.signing;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.openclaw.events.EventIds;
import io.openclaw.events.delivery.DeliveryTracker.Expected;
import io.openclaw.token.audit.FailClosedAudit;
import io.openclaw.token.problem.ProblemException;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** {@code POST /v1/admin/signing-keys/rotate} (platform:admin): publishes a new signing key now. */
@Path("/v1/admin/signing-keys")
@Blocking
public class SigningKeyAdminEndpoint {

    private final SigningKeyRing keyRing;
    private final JsonWebToken caller;
    private final FailClosedAudit audit;

    public SigningKeyAdminEndpoint(SigningKeyRing keyRing, JsonWebToken caller, FailClosedAudit audit) {
        this.keyRing = keyRing;
        this.caller = caller;
        this.audit = audit;
    }

    /** Read as every request body is: platform-events {@code StrictJson}. */
    private static final com.fasterxml.jackson.databind.ObjectMapper STRICT =
            io.openclaw.events.http.StrictJson.configure(new com.fasterxml.jackson.databind.ObjectMapper());

    private static RotateRequest parse(String rawBody) {
        if (rawBody == null || rawBody.isBlank()) {
            return null;
        }
        try {
            return STRICT.readValue(rawBody, RotateRequest.class);
        } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
            throw new ProblemException(400, "unknown_field", "unknown field '" + e.getPropertyName() + "'");
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            throw new ProblemException(400, "wrong_type", "the body must be a JSON object with a string alg");
        } catch (java.io.IOException e) {
            throw new ProblemException(
                    400, "malformed_json", "the body must be a JSON object such as {\"alg\":\"RS256\"}");
        }
    }

    /** Optional body: the algorithm of the new key. */
    public record RotateRequest(@JsonProperty("alg") String alg) {}

    @POST
    @Path("/rotate")
    @RolesAllowed("platform:admin")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response rotate(String rawBody, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        RotateRequest body = parse(rawBody);
        String alg = body == null ? null : body.alg();
        if (alg != null && !alg.equals("RS256") && !alg.equals("ES256")) {
            throw new ProblemException(400, "invalid_algorithm", "alg must be RS256 or ES256");
        }
        if (idempotencyKey != null && (idempotencyKey.length() > 128 || idempotencyKey.isBlank())) {
            throw new ProblemException(400, "invalid_idempotency_key", "Idempotency-Key must be 1-128 characters");
        }
        String requestId = "admin:"
                + (idempotencyKey != null ? idempotencyKey : UUID.randomUUID().toString());
        audit.checkReachable();
        String eventId = EventIds.next();
        List<Expected> expected = audit.expect(eventId);
        SigningKeyRing.Rotation rotation;
        try {
            rotation = keyRing.rotate(requestId, caller.getSubject(), alg, eventId);
        } catch (RuntimeException e) {
            audit.forget(expected);
            throw e;
        }
        if (rotation.applied()) {
            // the new key is answered for only once its publication is on the audit stream
            audit.await(expected);
        } else {
            audit.forget(expected);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("request_id", requestId);
        answer.put("kid", rotation.kid());
        answer.put("alg", rotation.alg());
        answer.put("state", "next");
        answer.put(
                "activates_at",
                rotation.activateAfter() == null
                        ? null
                        : rotation.activateAfter().toString());
        answer.put("rotated", rotation.applied());
        return Response.status(rotation.applied() ? 202 : 200).entity(answer).build();
    }
}
