package io.openclaw.token.outbox;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.CloudEventJson;
import io.openclaw.events.EventType;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.Semaphore;

/**
 * Writes events into the outbox table inside the caller's transaction, so an event exists exactly when the
 * state change it describes was committed. {@link OutboxRelay} publishes them.
 */
@ApplicationScoped
public class Outbox {

    private final Semaphore pending = new Semaphore(0);

    public void add(Connection connection, CloudEvent event) throws SQLException {
        String topic = event.eventType()
                .map(EventType::topic)
                .orElseThrow(() -> new IllegalArgumentException("unknown event type " + event.type()));
        try (PreparedStatement insert =
                connection.prepareStatement("INSERT INTO outbox (event_id, topic, event_json) VALUES (?, ?, ?)")) {
            insert.setString(1, event.id());
            insert.setString(2, topic);
            insert.setString(3, CloudEventJson.toJson(event));
            insert.executeUpdate();
        }
    }

    /** Tells the relay that events were committed, so it publishes without waiting for its next poll. */
    public void wake() {
        if (pending.availablePermits() == 0) {
            pending.release();
        }
    }

    Semaphore signal() {
        return pending;
    }
}
