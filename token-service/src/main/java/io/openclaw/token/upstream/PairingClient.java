package io.openclaw.token.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** Redeems pairing codes and polls device authorizations at pairing-service. */
@ApplicationScoped
public class PairingClient {

    /** pairing-service's answer to a redemption or a poll. */
    public sealed interface Outcome permits Granted, Refused {}

    /** The code (or device authorization) was consumed; {@code originId} is {@code pc_…} or {@code da_…}. */
    public record Granted(String originId, String accountId, List<String> scopes, String label) implements Outcome {}

    /** Refused with pairing-service's reason ({@code code_used}, {@code authorization_pending}, …). */
    public record Refused(int status, String reason, String retryAfter) implements Outcome {}

    private final PairingApi api;
    private final ServiceToken serviceToken;
    private final ObjectMapper mapper;

    public PairingClient(@RestClient PairingApi api, ServiceToken serviceToken, ObjectMapper mapper) {
        this.api = api;
        this.serviceToken = serviceToken;
        this.mapper = mapper;
    }

    public Outcome redeem(String code, String sourceIp, String userAgent) {
        Map<String, Object> body = new HashMap<>();
        body.put("code", code);
        body.put("source_ip", sourceIp);
        body.put("user_agent", userAgent);
        try (Response response = api.redeem(serviceToken.authorization(), body)) {
            JsonNode json = read(response);
            if (response.getStatus() == 200) {
                return new Granted(
                        text(json, "pairing_id"), text(json, "account_id"), scopes(json), text(json, "label"));
            }
            if (response.getStatus() == 400 || response.getStatus() == 429) {
                String reason = text(json, "code");
                return new Refused(
                        response.getStatus(),
                        reason == null ? "invalid_code" : reason,
                        response.getHeaderString("Retry-After"));
            }
            throw unavailable("pairing-service redemption", response.getStatus());
        } catch (jakarta.ws.rs.WebApplicationException e) {
            throw new UpstreamUnavailableException(
                    "unexpected upstream answer HTTP " + e.getResponse().getStatus(), e);
        } catch (ProcessingException e) {
            throw new UpstreamUnavailableException("pairing-service is unreachable", e);
        }
    }

    public Outcome poll(String deviceCode, String clientId, String sourceIp) {
        Map<String, Object> body = new HashMap<>();
        body.put("device_code", deviceCode);
        body.put("client_id", clientId);
        body.put("source_ip", sourceIp);
        try (Response response = api.poll(serviceToken.authorization(), body)) {
            JsonNode json = read(response);
            if (response.getStatus() == 200) {
                return new Granted(text(json, "authorization_id"), text(json, "account_id"), scopes(json), null);
            }
            if (response.getStatus() == 400 || response.getStatus() == 429) {
                String error = text(json, "error");
                return new Refused(
                        response.getStatus(),
                        error == null ? "invalid_grant" : error,
                        response.getHeaderString("Retry-After"));
            }
            throw unavailable("pairing-service device-authorization poll", response.getStatus());
        } catch (jakarta.ws.rs.WebApplicationException e) {
            throw new UpstreamUnavailableException(
                    "unexpected upstream answer HTTP " + e.getResponse().getStatus(), e);
        } catch (ProcessingException e) {
            throw new UpstreamUnavailableException("pairing-service is unreachable", e);
        }
    }

    private JsonNode read(Response response) {
        try {
            String body = response.hasEntity() ? response.readEntity(String.class) : "";
            return body == null || body.isBlank() ? mapper.createObjectNode() : mapper.readTree(body);
        } catch (Exception e) {
            return mapper.createObjectNode();
        }
    }

    static UpstreamUnavailableException unavailable(String call, int status) {
        Log.warnf("%s answered HTTP %d", call, status);
        return new UpstreamUnavailableException(call + " answered HTTP " + status);
    }

    static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    static List<String> scopes(JsonNode json) {
        List<String> scopes = new ArrayList<>();
        JsonNode array = json.get("scopes");
        if (array != null && array.isArray()) {
            array.forEach(s -> scopes.add(s.asText()));
        }
        return scopes;
    }
}
