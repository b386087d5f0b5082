package io.openclaw.token.grant;

import io.openclaw.events.EventFields;
import io.openclaw.events.EventType;
import io.openclaw.events.Outcome;
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

    public void record(String grantType, String actor, String accountId, String reason, ClientContext context) {
        try {
            events.commit(TokenEvents.event(EventType.TOKEN_REJECTED, clock.instant())
                    .accountId(accountId)
                    .actor(actor)
                    .subject(grantType == null ? "unknown" : grantType)
                    .outcome(Outcome.FAILURE)
                    .reason(reason)
                    .sourceIp(context.sourceIp())
                    .userAgent(context.userAgent())
                    .data(EventFields.GRANT_TYPE, grantType)
                    .build());
        } catch (StoreUnavailableException e) {
            Log.warnf("could not record a %s rejection (%s): PostgreSQL unavailable", grantType, reason);
        } catch (IllegalArgumentException e) {
            Log.warnf("could not record a %s rejection (%s): %s", grantType, reason, e.getMessage());
        }
    }
}
