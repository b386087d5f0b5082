package io.openclaw.token.grant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.openclaw.events.DisplayText;
import io.openclaw.events.MetricNames;
import io.openclaw.events.delivery.AuditUnavailableException;
import io.openclaw.token.audit.FailClosedAudit;
import io.openclaw.token.device.DeviceEnrollment;
import io.openclaw.token.events.RequestValues;
import io.openclaw.token.refresh.RefreshTokenRotation;
import io.openclaw.token.store.Database;
import io.openclaw.token.upstream.PairingClient;
import io.openclaw.token.upstream.PairingClient.Granted;
import io.openclaw.token.upstream.PairingClient.Refused;
import io.openclaw.token.upstream.UpstreamUnavailableException;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@code POST /v1/oauth/token} (RFC 6749 §3.2) and its JSON twin {@code POST /v1/auth/pair}. */
@Path("/v1")
@Blocking
public class TokenEndpoint {

    public static final String PAIRING_CODE = "urn:openclaw:params:oauth:grant-type:pairing_code";
    public static final String DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code";

    private final PairingClient pairing;
    private final DeviceEnrollment enrollment;
    private final RefreshTokenRotation refresh;
    private final ClientCredentialsGrant clientCredentials;
    private final GrantRejections rejections;
    private final Database database;
    private final FailClosedAudit audit;
    private final MeterRegistry meters;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public TokenEndpoint(
            PairingClient pairing,
            DeviceEnrollment enrollment,
            RefreshTokenRotation refresh,
            ClientCredentialsGrant clientCredentials,
            GrantRejections rejections,
            Database database,
            FailClosedAudit audit,
            MeterRegistry meters) {
        this.pairing = pairing;
        this.enrollment = enrollment;
        this.refresh = refresh;
        this.clientCredentials = clientCredentials;
        this.rejections = rejections;
        this.database = database;
        this.audit = audit;
        this.meters = meters;
    }

    private void count(String grantType, String outcome) {
        String type =
                switch (grantType == null ? "" : grantType) {
                    case PAIRING_CODE -> "pairing_code";
                    case DEVICE_CODE -> "device_code";
                    case RefreshTokenRotation.GRANT_TYPE, ClientCredentialsGrant.GRANT_TYPE -> grantType;
                    default -> "other";
                };
        counters.computeIfAbsent(
                        type + ' ' + outcome,
                        k -> meters.counter(MetricNames.TOKEN_GRANTS, "grant_type", type, "outcome", outcome))
                .increment();
    }

    /** The JSON body of {@code POST /v1/auth/pair}. */
    public record PairRequest(
            @com.fasterxml.jackson.annotation.JsonProperty("pairing_code") String pairingCode,
            @com.fasterxml.jackson.annotation.JsonProperty("device_name") String deviceName) {}

    @POST
    @Path("/oauth/token")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response token(String body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        ClientContext context = context(headers, request);
        OAuthForm form = OAuthForm.empty();
        String grantType = null;
        try {
            form = OAuthForm.parse(body);
            grantType = form.single("grant_type");
            TokenResponse response =
                    switch (grantType == null ? "" : grantType) {
                        case PAIRING_CODE -> pairingCode(
                                form.single("pairing_code"), form.single("device_name"), context);
                        case DEVICE_CODE -> deviceCode(
                                form.single("device_code"),
                                form.single("client_id"),
                                form.single("device_name"),
                                context);
                        case RefreshTokenRotation.GRANT_TYPE -> refresh.refresh(
                                form.required("refresh_token"), scopes(form.single("scope")), context);
                        case ClientCredentialsGrant.GRANT_TYPE -> clientCredentials(form, headers, context);
                        case "" -> throw OAuthException.invalidRequest("grant_type is required");
                        default -> throw OAuthException.unsupportedGrantType(grantType);
                    };
            count(grantType, "success");
            return ok(response);
        } catch (AuditUnavailableException e) {
            count(grantType, "temporarily_unavailable");
            throw e;
        } catch (OAuthException e) {
            count(grantType, e.error());
            if (!RefreshTokenRotation.GRANT_TYPE.equals(grantType) || "invalid_request".equals(e.error())) {
                rejections.record(grantType, actor(form), null, e.auditReason(), context);
            }
            throw e;
        }
    }

    @POST
    @Path("/auth/pair")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response pair(PairRequest body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        ClientContext context = context(headers, request);
        if (body == null) {
            throw OAuthException.invalidRequest("a JSON body with pairing_code is required");
        }
        try {
            TokenResponse response = pairingCode(body.pairingCode(), body.deviceName(), context);
            count(PAIRING_CODE, "success");
            return ok(response);
        } catch (AuditUnavailableException e) {
            count(PAIRING_CODE, "temporarily_unavailable");
            throw e;
        } catch (OAuthException e) {
            count(PAIRING_CODE, e.error());
            rejections.record(PAIRING_CODE, "ip:" + context.sourceIp(), null, e.auditReason(), context);
            throw e;
        }
    }

    private TokenResponse pairingCode(String code, String deviceName, ClientContext context) {
        if (code == null || code.isBlank()) {
            throw OAuthException.invalidRequest("pairing_code is required");
        }
        if (code.length() > 64) {
            throw OAuthException.invalidGrant("invalid_format", "invalid_format");
        }
        String name = deviceName(deviceName);
        // a code is spent upstream: only spend it when the device, its family and their events can be stored
        audit.checkReachable();
        database.ensureReachable();
        PairingClient.Outcome outcome = upstream(() -> pairing.redeem(code, context.sourceIp(), context.userAgent()));
        if (outcome instanceof Refused refused) {
            throw refusal(refused);
        }
        return enrollment.enroll((Granted) outcome, PAIRING_CODE, name, null, context);
    }

    private TokenResponse deviceCode(String deviceCode, String clientId, String deviceName, ClientContext context) {
        if (deviceCode == null || deviceCode.isBlank()) {
            throw OAuthException.invalidRequest("device_code is required");
        }
        if (clientId == null || clientId.isBlank()) {
            throw OAuthException.invalidRequest("client_id is required");
        }
        if (deviceCode.length() > 128 || clientId.length() > 64) {
            throw OAuthException.invalidGrant("device_code is invalid", "malformed_device_code");
        }
        String name = deviceName(deviceName);
        audit.checkReachable();
        database.ensureReachable();
        PairingClient.Outcome outcome = upstream(() -> pairing.poll(deviceCode, clientId, context.sourceIp()));
        if (outcome instanceof Refused refused) {
            // RFC 8628 §3.5 errors pass through unchanged
            throw new OAuthException(400, refused.reason(), describe(refused.reason()), refused.reason(), Map.of());
        }
        return enrollment.enroll((Granted) outcome, DEVICE_CODE, name, clientId, context);
    }

    private TokenResponse clientCredentials(OAuthForm form, HttpHeaders headers, ClientContext context) {
        String clientId = form.single("client_id");
        String clientSecret = form.single("client_secret");
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            if (clientSecret != null) {
                throw OAuthException.invalidRequest("use one client authentication method");
            }
            String[] parts = basic(authorization.substring(6).trim());
            clientId = parts[0];
            clientSecret = parts[1];
        }
        String id = clientId;
        String secret = clientSecret;
        return upstream(() -> clientCredentials.exchange(id, secret, scopes(form.single("scope")), context));
    }

    private static String[] basic(String encoded) {
        try {
            String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw OAuthException.invalidClient("malformed_basic_credentials");
            }
            return new String[] {
                URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)
            };
        } catch (IllegalArgumentException e) {
            throw OAuthException.invalidClient("malformed_basic_credentials");
        }
    }

    private static OAuthException refusal(Refused refused) {
        if (refused.status() == 429) {
            return new OAuthException(
                    429,
                    "invalid_grant",
                    refused.reason(),
                    refused.reason(),
                    refused.retryAfter() == null ? Map.of() : Map.of("Retry-After", refused.retryAfter()));
        }
        return OAuthException.invalidGrant(refused.reason(), refused.reason());
    }

    private static String describe(String error) {
        return switch (error) {
            case "authorization_pending" -> "the authorization request is still pending";
            case "slow_down" -> "polling too fast: add 5 seconds to the interval";
            case "access_denied" -> "the authorization request was denied";
            case "expired_token" -> "the device_code has expired";
            default -> "the device_code is invalid";
        };
    }

    private static <T> T upstream(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (UpstreamUnavailableException e) {
            Log.warnf("grant failed, upstream unavailable: %s", e.getMessage());
            throw OAuthException.temporarilyUnavailable("a platform service is temporarily unavailable, retry");
        }
    }

    private static Response ok(TokenResponse response) {
        return Response.ok(response)
                .header("Cache-Control", "no-store")
                .header("Pragma", "no-cache")
                .build();
    }

    private static String deviceName(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        String trimmed = name.strip();
        if (trimmed.length() > 128 || !DisplayText.isPrintable(trimmed)) {
            throw OAuthException.invalidRequest("device_name must be at most 128 printable characters");
        }
        if (io.openclaw.events.SecretGuard.looksLikeCredential(trimmed)) {
            throw OAuthException.invalidRequest("device_name must not contain a credential");
        }
        return trimmed;
    }

    static List<String> scopes(String scope) {
        if (scope == null || scope.isBlank()) {
            return List.of();
        }
        if (scope.length() > 2048) {
            throw OAuthException.invalidScope("scope is too long");
        }
        return Arrays.stream(scope.trim().split(" +")).distinct().toList();
    }

    /** The client a refused request named, for its event: only a well-formed id, never the raw value. */
    private static String actor(OAuthForm form) {
        String clientId;
        try {
            clientId = form.single("client_id");
        } catch (OAuthException repeated) {
            clientId = null;
        }
        return clientId == null ? "client:unidentified" : RequestValues.clientActor(clientId);
    }

    static ClientContext context(HttpHeaders headers, HttpServerRequest request) {
        String ip =
                request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        return new ClientContext(ip, headers.getHeaderString(HttpHeaders.USER_AGENT));
    }
}
