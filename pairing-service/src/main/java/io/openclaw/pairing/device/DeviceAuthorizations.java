package io.openclaw.pairing.device;

import io.openclaw.events.EventIds;
import io.openclaw.events.SecretGuard;
import io.openclaw.events.delivery.AuditUnavailableException;
import io.openclaw.events.delivery.DeliveryTracker;
import io.openclaw.pairing.account.DeviceScopeCatalog;
import io.openclaw.pairing.config.PairingConfig;
import io.openclaw.pairing.events.FailClosedAudit;
import io.openclaw.pairing.secret.CodeAlphabet;
import io.openclaw.pairing.secret.CodeDigest;
import io.openclaw.pairing.secret.SecureIds;
import io.openclaw.pairing.store.PairingStore;
import io.openclaw.pairing.store.Script;
import io.openclaw.pairing.web.Caller;
import io.openclaw.pairing.web.OAuthException;
import io.openclaw.pairing.web.ProblemException;
import io.openclaw.pairing.web.RequestOrigin;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The RFC 8628 device flow: a device asks, its owner approves or denies, token-service polls. */
@ApplicationScoped
public class DeviceAuthorizations {

    private static final Pattern DEVICE_CODE = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final int START_ATTEMPTS = 3;

    private final PairingStore store;
    private final CodeDigest digest;
    private final DeviceScopeCatalog catalog;
    private final PairingConfig config;
    private final Clock clock;
    private final FailClosedAudit audit;

    public DeviceAuthorizations(
            PairingStore store,
            CodeDigest digest,
            DeviceScopeCatalog catalog,
            PairingConfig config,
            Clock clock,
            FailClosedAudit audit) {
        this.store = store;
        this.digest = digest;
        this.catalog = catalog;
        this.config = config;
        this.clock = clock;
        this.audit = audit;
    }

    /** RFC 8628 §3.1–3.2. */
    public DeviceAuthorization start(String clientId, String scope, RequestOrigin origin) {
        if (clientId == null || clientId.isBlank()) {
            throw new OAuthException(400, "invalid_request", "client_id is required");
        }
        // the client id goes into events, which never carry anything shaped like a credential
        String account = (SecretGuard.looksLikeCredential(clientId)
                        ? Optional.<String>empty()
                        : catalog.accountOfClient(clientId))
                .orElseThrow(() -> new OAuthException(401, "invalid_client", "unknown client_id"));
        Set<String> allowed = catalog.forAccount(account);
        List<String> scopes = requestedScopes(scope, allowed);
        Duration lifetime = config.device().lifetime();
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            String deviceCode = SecureIds.bearer256();
            String userCode = CodeAlphabet.USER_CODE.generate();
            String id = SecureIds.id("da");
            Instant now = clock.instant();
            Instant expiresAt = now.plus(lifetime);
            String deviceDigest = digest.deviceCode(deviceCode);
            String userDigest =
                    digest.userCode(CodeAlphabet.USER_CODE.normalize(userCode).orElseThrow());
            String eventId = EventIds.next();
            DeliveryTracker.Expected expected = expect(eventId);
            List<String> reply;
            try {
                reply = store.run(
                        Script.DEVICE_START,
                        List.of(
                                deviceDigest,
                                userDigest,
                                id,
                                account,
                                clientId,
                                String.join(" ", scopes),
                                String.valueOf(expiresAt.toEpochMilli()),
                                String.valueOf(lifetime.plus(config.device().retention())
                                        .toMillis()),
                                String.valueOf(lifetime.toMillis()),
                                String.valueOf(config.device().intervalSeconds()),
                                now.toString(),
                                expiresAt.toString(),
                                eventId,
                                Objects.toString(origin.ip(), ""),
                                Objects.toString(origin.userAgent(), "")));
            } catch (RuntimeException e) {
                audit.abandon(expected);
                throw e;
            }
            if ("ok".equals(reply.get(0))) {
                // fail-closed: the codes are handed out only once the event is on Kafka, else forgotten
                confirm(expected, () -> {
                    store.command("DEL", store.prefix() + "dev:" + deviceDigest, store.prefix() + "duc:" + userDigest);
                    Log.warnf("withdrew device authorization %s: its event did not reach the event stream", id);
                });
                Log.infof("device authorization %s requested for %s", id, account);
                String uri = config.verificationUri();
                String complete = uri + (uri.contains("?") ? "&" : "?") + "user_code="
                        + URLEncoder.encode(userCode, StandardCharsets.UTF_8);
                return new DeviceAuthorization(
                        deviceCode,
                        userCode,
                        uri,
                        complete,
                        lifetime.toSeconds(),
                        config.device().intervalSeconds());
            }
            audit.abandon(expected);
        }
        throw new IllegalStateException("could not draw an unused user code");
    }

    private DeliveryTracker.Expected expect(String eventId) {
        try {
            return audit.expect(eventId);
        } catch (AuditUnavailableException e) {
            throw temporarilyUnavailable();
        }
    }

    private void confirm(DeliveryTracker.Expected expected, Runnable undo) {
        try {
            audit.confirm(expected, undo);
        } catch (AuditUnavailableException e) {
            throw temporarilyUnavailable();
        }
    }

    private OAuthException temporarilyUnavailable() {
        return new OAuthException(
                503,
                new OAuthException.Body(
                        "temporarily_unavailable", "the audit event stream is unavailable; retry later", null),
                audit.retryAfter());
    }

    /** The owner's decision, by user_code; a wrong user_code counts against the approver. */
    public VerifyResult decide(Caller caller, VerifyRequest request, RequestOrigin origin) {
        String account = caller.requireAccount();
        if (request == null) {
            throw ProblemException.badRequest("invalid_request", "a JSON body is required");
        }
        if (!"approve".equals(request.action()) && !"deny".equals(request.action())) {
            throw ProblemException.badRequest("invalid_request", "action must be approve or deny");
        }
        String userCode = CodeAlphabet.USER_CODE
                .normalize(request.userCode())
                .orElseThrow(() -> ProblemException.badRequest(
                        "invalid_format", "a user code is 8 letters from BCDFGHJKLMNPQRSTVWXZ"));
        String asked = "";
        if (request.scopes() != null) {
            if (request.scopes().isEmpty()
                    || request.scopes().stream()
                            .anyMatch(s -> s == null
                                    || s.isBlank()
                                    || s.length() > 64
                                    || s.chars().anyMatch(Character::isWhitespace))) {
                throw ProblemException.badRequest("invalid_scope", "scopes must name at least one scope");
            }
            asked = String.join(" ", new LinkedHashSet<>(request.scopes()));
        }
        var bruteForce = config.bruteForce();
        Instant now = clock.instant();
        List<String> reply = store.run(
                Script.DEVICE_DECIDE,
                List.of(
                        digest.userCode(userCode),
                        account,
                        request.action(),
                        asked,
                        String.join(" ", caller.scopes()),
                        account + ":" + caller.subject(),
                        String.valueOf(now.toEpochMilli()),
                        now.toString(),
                        EventIds.next(),
                        String.valueOf(bruteForce.window().toMillis()),
                        String.valueOf(bruteForce.approverFailures()),
                        String.valueOf(bruteForce.lockout().toMillis()),
                        Objects.toString(origin.ip(), ""),
                        Objects.toString(origin.userAgent(), "")));
        return switch (reply.get(0)) {
            case "approved" -> new VerifyResult(
                    reply.get(1), "approved", Arrays.asList(reply.get(2).split(" ")));
            case "denied" -> new VerifyResult(reply.get(1), "denied", List.of());
            case "locked" -> throw ProblemException.tooManyAttempts(Duration.ofMillis(Long.parseLong(reply.get(1))));
            case "expired" -> throw ProblemException.badRequest("expired_user_code", "the user code has expired");
            case "already_decided" -> throw new ProblemException(
                    409, "already_decided", "this device authorization was already approved or denied");
            case "scope_not_requested" -> throw ProblemException.badRequest(
                    "invalid_scope", "the device did not request: " + reply.get(1));
            case "scope_not_grantable" -> throw new ProblemException(
                    403, "scope_not_grantable", "the approver may not grant: " + reply.get(1));
            default -> throw ProblemException.badRequest(
                    "invalid_user_code", "no pending device authorization has this user code");
        };
    }

    /** RFC 8628 §3.4–3.5, on token-service's behalf; success is handed out once. */
    public ApprovedAuthorization poll(PollRequest request) {
        if (request == null || request.deviceCode() == null || request.clientId() == null) {
            throw new OAuthException(400, "invalid_request", "device_code and client_id are required");
        }
        if (!DEVICE_CODE.matcher(request.deviceCode()).matches()
                || request.clientId().length() > 128) {
            throw new OAuthException(400, "invalid_grant", "unknown device_code");
        }
        Instant now = clock.instant();
        List<String> reply = store.run(
                Script.DEVICE_POLL,
                List.of(
                        digest.deviceCode(request.deviceCode()),
                        request.clientId(),
                        String.valueOf(now.toEpochMilli()),
                        String.valueOf(config.device().slowDownSeconds()),
                        String.valueOf(config.device().maxPolls())));
        return switch (reply.get(0)) {
            case "approved" -> new ApprovedAuthorization(
                    reply.get(1), reply.get(2), Arrays.asList(reply.get(3).split(" ")));
            case "slow_down" -> throw new OAuthException(
                    400,
                    new OAuthException.Body(
                            "slow_down", "polling too fast; wait the interval", Integer.valueOf(reply.get(1))));
            case "authorization_pending" -> throw new OAuthException(
                    400, "authorization_pending", "the owner has not decided yet");
            case "access_denied" -> throw new OAuthException(400, "access_denied", "the owner denied the request");
            case "expired_token" -> throw new OAuthException(400, "expired_token", "the device_code has expired");
            default -> throw new OAuthException(400, "invalid_grant", "unknown device_code");
        };
    }

    private static List<String> requestedScopes(String scope, Set<String> allowed) {
        if (scope == null || scope.isBlank()) {
            return List.copyOf(allowed);
        }
        Set<String> requested = new LinkedHashSet<>(Arrays.asList(scope.trim().split(" +")));
        List<String> unknown =
                requested.stream().filter(s -> !allowed.contains(s)).toList();
        if (!unknown.isEmpty() || requested.size() > 32) {
            throw new OAuthException(
                    400, "invalid_scope", "not a device scope of this client: " + String.join(" ", unknown));
        }
        return List.copyOf(requested);
    }
}
