package io.openclaw.token.outbox;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.CloudEventJson;
import io.openclaw.events.EventType;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * Writes events into the outbox table inside the caller's transaction, so an event exists exactly when the
 * state change it describes was committed. {@link OutboxRelay} publishes them. A row holds the parts of the
 * event's Kafka record (attributes, partition key, data as JSON bytes): the event was checked for secrets
 * when it was built, and the relay sends it without parsing it again.
 */
@ApplicationScoped
public class Outbox {

    private static final String COLUMNS = "(event_id, topic, ce_source, ce_type, ce_time, ce_subject, partition_key,"
            + " traceparent, data, relay_owner)";

    static final String INSERT = "INSERT INTO outbox " + COLUMNS + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** This replica, as written into the rows it commits. */
    static final String REPLICA = java.util.UUID.randomUUID().toString();

    private final Semaphore pending = new Semaphore(0);

    public void add(Connection connection, CloudEvent event) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            bind(insert, event);
            insert.executeUpdate();
        }
    }

    /** Writes several events with one statement (the driver rewrites the batch into a multi-row INSERT). */
    public void addAll(Connection connection, List<CloudEvent> events) throws SQLException {
        if (events.size() == 1) {
            add(connection, events.get(0));
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (CloudEvent event : events) {
                bind(insert, event);
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (AssertionError e) {
            // the PostgreSQL driver reports a connection that broke under a batch as an AssertionError
            throw new SQLException("the connection broke during a batch insert", "08006", e);
        }
    }

    /**
     * An INSERT of one outbox row per row of {@code from}, for an event that the same statement completes:
     * the caller builds the event as far as it knows it before the statement ({@link #bindCompleted}) and the
     * SQL expressions give its subject, partition key and the data fields that only the statement's own rows
     * hold ({@code dataFields}: a {@code jsonb} object merged over the event's data). Used where one statement
     * both makes a change and records its event, so the change costs one round trip.
     */
    public static String insertCompleted(String from, String subject, String partitionKey, String dataFields) {
        return "INSERT INTO outbox " + COLUMNS + " SELECT ?, ?, ?, ?, ?, " + subject + ", " + partitionKey
                + ", ?, convert_to((convert_from(?, 'UTF8')::jsonb || " + dataFields + ")::text, 'UTF8'), ? FROM "
                + from;
    }

    /** Binds the parameters of an {@link #insertCompleted} statement from {@code index}; the next free index. */
    public static int bindCompleted(PreparedStatement statement, int index, CloudEvent event) throws SQLException {
        return bindPayload(statement, bindAttributes(statement, index, event), event);
    }

    /** The topic an event is published to; {@link IllegalArgumentException} for a type that has none. */
    static String topicOf(CloudEvent event) {
        return event.eventType()
                .map(EventType::topic)
                .orElseThrow(() -> new IllegalArgumentException("unknown event type " + event.type()));
    }

    private static void bind(PreparedStatement insert, CloudEvent event) throws SQLException {
        int index = bindAttributes(insert, 1, event);
        insert.setString(index, event.subject());
        insert.setString(index + 1, event.partitionKey());
        bindPayload(insert, index + 2, event);
    }

    /** event_id, topic, ce_source, ce_type, ce_time. */
    private static int bindAttributes(PreparedStatement statement, int index, CloudEvent event) throws SQLException {
        statement.setString(index, event.id());
        statement.setString(index + 1, topicOf(event));
        statement.setString(index + 2, event.source());
        statement.setString(index + 3, event.type());
        statement.setString(index + 4, event.time().toString());
        return index + 5;
    }

    /** traceparent, data, relay_owner. */
    private static int bindPayload(PreparedStatement statement, int index, CloudEvent event) throws SQLException {
        statement.setString(index, event.traceparent());
        statement.setBytes(index + 1, CloudEventJson.dataBytes(event));
        statement.setString(index + 2, REPLICA);
        return index + 3;
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
