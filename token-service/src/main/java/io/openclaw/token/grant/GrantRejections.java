package io.openclaw.token.grant;

import io.openclaw.events.EventFields;
import io.openclaw.events.EventType;
import io.openclaw.events.Outcome;
import io.openclaw.token.events.TokenEvents;
import io.openclaw.token.outbox.Outbox;
import io.openclaw.token.store.Database;
import io.openclaw.token.store.StoreUnavailableException;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;

/** Records refused grants as {@code io.openclaw.token.rejected} events (reason for the audit log only). */
@ApplicationScoped
public class GrantRejections {

    private final Database database;
    private final Outbox outbox;
    private final Clock clock;

    public GrantRejections(Database database, Outbox outbox, Clock clock) {
        this.database = database;
        this.outbox = outbox;
        this.clock = clock;
    }

    public void record(String grantType, String actor, String accountId, String reason, ClientContext context) {
        try {
            database.inSingleStatement(connection -> {
                outbox.add(
                        connection,
                        TokenEvents.event(EventType.TOKEN_REJECTED, clock.instant())
                                .accountId(accountId)
                                .actor(actor)
                                .subject(grantType == null ? "unknown" : grantType)
                                .outcome(Outcome.FAILURE)
                                .reason(reason)
                                .sourceIp(context.sourceIp())
                                .userAgent(context.userAgent())
                                .data(EventFields.GRANT_TYPE, grantType)
                                .build());
                return null;
            });
            outbox.wake();
        } catch (StoreUnavailableException e) {
            Log.warnf("could not record a %s rejection (%s): PostgreSQL unavailable", grantType, reason);
        } catch (IllegalArgumentException e) {
            Log.warnf("could not record a %s rejection (%s): %s", grantType, reason, e.getMessage());
        }
    }
}
