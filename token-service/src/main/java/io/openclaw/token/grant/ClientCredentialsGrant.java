package io.openclaw.token.grant;

import io.openclaw.events.EventFields;
import io.openclaw.events.EventIds;
import io.openclaw.events.EventType;
import io.openclaw.events.delivery.DeliveryTracker.Expected;
import io.openclaw.token.access.AccessTokenMinter;
import io.openclaw.token.access.AccessTokenMinter.MintedToken;
import io.openclaw.token.audit.FailClosedAudit;
import io.openclaw.token.events.TokenEvents;
import io.openclaw.token.outbox.StandaloneEvents;
import io.openclaw.token.revocation.RevocationDenylist;
import io.openclaw.token.upstream.KeyVerificationClient;
import io.openclaw.token.upstream.KeyVerificationClient.Verification;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The {@code client_credentials} grant for backends: client_id is the API key id, client_secret the API
 * key, verified by key-rotation-service with the caller's IP. The token carries exactly the requested
 * scopes (all of the key's when none are requested) and the key's account; no refresh token.
 */
@ApplicationScoped
public class ClientCredentialsGrant {

    public static final String GRANT_TYPE = "client_credentials";

    private final KeyVerificationClient keys;
    private final AccessTokenMinter minter;
    private final RevocationDenylist denylist;
    private final StandaloneEvents events;
    private final FailClosedAudit audit;
    private final Clock clock;

    public ClientCredentialsGrant(
            KeyVerificationClient keys,
            AccessTokenMinter minter,
            RevocationDenylist denylist,
            StandaloneEvents events,
            FailClosedAudit audit,
            Clock clock) {
        this.keys = keys;
        this.minter = minter;
        this.denylist = denylist;
        this.events = events;
        this.audit = audit;
        this.clock = clock;
    }

    public TokenResponse exchange(
            String clientId, String clientSecret, List<String> requestedScopes, ClientContext context) {
        if (clientId == null || clientSecret == null || clientId.isBlank() || clientSecret.isBlank()) {
            throw OAuthException.invalidClient("missing_client_credentials");
        }
        if (clientId.length() > 64 || clientSecret.length() > 128) {
            throw OAuthException.invalidClient("malformed_client_credentials");
        }
        audit.checkReachable();
        Verification verification = keys.verify(clientSecret, requestedScopes, context.sourceIp());
        if (!verification.valid()) {
            String code = verification.code() == null ? "INVALID" : verification.code();
            switch (code) {
                case "INSUFFICIENT_SCOPE" -> throw OAuthException.invalidScope(
                        "requested scope exceeds the key's scopes");
                case "RATE_LIMITED" -> throw new OAuthException(
                        429, "invalid_client", "rate limit exceeded", "rate_limited", Map.of("Retry-After", "1"));
                default -> throw OAuthException.invalidClient("key_" + code.toLowerCase(java.util.Locale.ROOT));
            }
        }
        if (!clientId.equals(verification.keyId())) {
            throw OAuthException.invalidClient("client_id_mismatch");
        }
        if (denylist.isSubjectDenied(verification.keyId())) {
            throw OAuthException.invalidClient("key_revoked");
        }
        List<String> scopes = requestedScopes.isEmpty() ? verification.scopes() : requestedScopes;
        if (!verification.scopes().containsAll(scopes)) {
            throw OAuthException.invalidScope("requested scope exceeds the key's scopes");
        }
        MintedToken access = minter.mint(new AccessTokenMinter.Request(
                verification.keyId(), verification.accountId(), verification.keyId(), scopes));
        Instant now = clock.instant();
        String eventId = EventIds.next();
        List<Expected> expected = audit.expect(eventId);
        try {
            // no other change to commit with it: a group commit shares the INSERT with concurrent grants
            events.commit(TokenEvents.event(EventType.TOKEN_ISSUED, now)
                    .id(eventId)
                    .accountId(verification.accountId())
                    .actor(verification.keyId())
                    .subject(verification.keyId())
                    .sourceIp(context.sourceIp())
                    .userAgent(context.userAgent())
                    .data(EventFields.GRANT_TYPE, GRANT_TYPE)
                    .data(EventFields.SCOPES, access.scopes())
                    .data(EventFields.JTI, access.jti())
                    .data(EventFields.KID, access.kid())
                    .data(EventFields.CLIENT_ID, verification.keyId())
                    .data(EventFields.KEY_ID, verification.keyId())
                    .data(EventFields.EXPIRES_AT, access.expiresAt().toString())
                    .build());
        } catch (RuntimeException e) {
            audit.forget(expected);
            throw e;
        }
        audit.await(expected);
        return new TokenResponse(
                access.jwt(), "Bearer", access.expiresIn(), null, String.join(" ", access.scopes()), null);
    }
}
