package io.openclaw.token.grant;

import io.openclaw.events.EventFields;
import io.openclaw.events.EventType;
import io.openclaw.events.Outcome;
import io.openclaw.token.events.RequestValues;
import io.openclaw.token.events.TokenEvents;
import io.openclaw.token.outbox.StandaloneEvents;
import io.openclaw.token.store.StoreUnavailableException;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;

/** Records refused grants as {@code io.openclaw.token.rejected} events (reason for the audit log only). */
@ApplicationScoped
public class GrantRejections {

    private final StandaloneEvents events;
    private final Clock clock;

    public GrantRejections(StandaloneEvents events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    /**
     * Records a refusal. The grant type is the request's, so only a grant type token-service knows is named
     * (anything else is {@code unknown}); the actor must be made by the caller from well-formed ids only.
     */
    public void record(String grantType, String actor, String accountId, String reason, ClientContext context) {
        String known = known(grantType);
        try {
            events.commit(TokenEvents.event(EventType.TOKEN_REJECTED, clock.instant())
                    .accountId(accountId)
                    .actor(actor)
                    .subject(known == null ? RequestValues.UNKNOWN : known)
                    .outcome(Outcome.FAILURE)
                    .reason(reason)
                    .sourceIp(context.sourceIp())
                    .userAgent(context.userAgent())
                    .data(EventFields.GRANT_TYPE, known)
                    .build());
        } catch (StoreUnavailableException e) {
            Log.warnf("could not record a %s rejection (%s): PostgreSQL unavailable", known, reason);
        } catch (IllegalArgumentException e) {
            Log.warnf("could not record a %s rejection (%s): %s", known, reason, e.getMessage());
        }
    }

    /** The grant type when it is one token-service serves, else null. */
    static String known(String grantType) {
        return switch (grantType == null ? "" : grantType) {
            case TokenEndpoint.PAIRING_CODE,
                    TokenEndpoint.DEVICE_CODE,
                    io.openclaw.token.refresh.RefreshTokenRotation.GRANT_TYPE,
                    ClientCredentialsGrant.GRANT_TYPE -> grantType;
            default -> null;
        };
    }
}
