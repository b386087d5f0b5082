package io.openclaw.keys.outbox;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.CloudEventJson;
import io.openclaw.events.EventType;
import io.openclaw.keys.support.Database;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Writes events to the outbox table in the caller's transaction; {@link OutboxRelay} publishes them. */
@ApplicationScoped
public class Outbox {

    public void append(Connection connection, CloudEvent event) throws SQLException {
        String topic = event.eventType()
                .map(EventType::topic)
                .orElseThrow(() -> new IllegalArgumentException("unknown event type " + event.type()));
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO outbox (event_id, topic, partition_key, event, created_at) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, event.id());
            insert.setString(2, topic);
            insert.setString(3, event.partitionKey());
            insert.setString(4, CloudEventJson.toJson(event));
            insert.setObject(5, Database.at(event.time()));
            insert.executeUpdate();
        }
    }
}
