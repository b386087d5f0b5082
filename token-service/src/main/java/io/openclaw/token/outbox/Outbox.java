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
     * An INSERT of one outbox row per row of {@code from}, for events of one type that the same statement
     * completes: the caller drafts each event as far as it knows it before the statement and hands the drafts
     * in as arrays ({@link #DRAFTS}, bound by {@link #bindDrafts}) that {@code from} carries on in its columns
     * {@code event_id, ce_time, traceparent, data}; the SQL expressions give each event's subject, partition
     * key and the data fields that only the statement's own rows hold ({@code dataFields}: a {@code jsonb}
     * object merged over the draft's data). The type's topic, source and type and this replica are bound by
     * {@link #bindCompleted}. Used where one statement both makes changes and records their events, so that
     * the changes cost one round trip.
     */
    public static String insertCompleted(String from, String subject, String partitionKey, String dataFields) {
        return "INSERT INTO outbox " + COLUMNS + " SELECT event_id, ?, ?, ?, ce_time, " + subject + ", " + partitionKey
                + ", traceparent, convert_to((convert_from(data, 'UTF8')::jsonb || " + dataFields
                + ")::text, 'UTF8'), ? FROM " + from;
    }

    /** The drafts' parameters of an {@link #insertCompleted} statement: event ids, times, traceparents, data. */
    public static final String DRAFTS = "?::text[], ?::text[], ?::text[], ?::bytea[]";

    /** Binds {@link #DRAFTS} from {@code index} (the events in the statement's order); the next free index. */
    public static int bindDrafts(Connection connection, PreparedStatement statement, int index, List<CloudEvent> drafts)
            throws SQLException {
        int size = drafts.size();
        String[] ids = new String[size];
        String[] times = new String[size];
        String[] traceparents = new String[size];
        byte[][] data = new byte[size][];
        for (int i = 0; i < size; i++) {
            CloudEvent draft = drafts.get(i);
            ids[i] = draft.id();
            times[i] = draft.time().toString();
            traceparents[i] = draft.traceparent();
            data[i] = CloudEventJson.dataBytes(draft);
        }
        statement.setArray(index, connection.createArrayOf("text", ids));
        statement.setArray(index + 1, connection.createArrayOf("text", times));
        statement.setArray(index + 2, connection.createArrayOf("text", traceparents));
        statement.setArray(index + 3, connection.createArrayOf("bytea", data));
        return index + 4;
    }

    /**
     * Binds the topic, source and type of an {@link #insertCompleted} statement's events (those of {@code
     * draft}, which every event of the statement shares) and this replica from {@code index}; the next free
     * index.
     */
    public static int bindCompleted(PreparedStatement statement, int index, CloudEvent draft) throws SQLException {
        statement.setString(index, topicOf(draft));
        statement.setString(index + 1, draft.source());
        statement.setString(index + 2, draft.type());
        statement.setString(index + 3, REPLICA);
        return index + 4;
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
