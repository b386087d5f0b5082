package io.openclaw.audit.log;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openclaw.audit.log.IngestBatch.Incoming;
import io.openclaw.audit.log.IngestBatch.RollupKey;
import io.openclaw.audit.outbox.SiemCopies;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventFields;
import io.openclaw.events.EventType;
import io.openclaw.events.Topics;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Writes ingest batches to PostgreSQL in one transaction each: new records (chained), usage rollups, alerts,
 * outbox rows for the SIEM copy, and the partition positions the batch reached. The position update is
 * conditional on the position this writer last saw, so a writer that lost its partitions cannot commit.
 *
 * <p>Used by one thread at a time (the ingest loop).
 */
public final class AuditStore {

    /** Position value of a partition that has no row yet. */
    public static final long NO_POSITION = -1;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    /** SQLSTATE of a unique constraint violation. */
    private static final String UNIQUE_VIOLATION = "23505";

    private static final String COPY_RECORDS = "COPY audit_record (event_id, event_type, source, event_time, "
            + "account_id, actor, subject, outcome, reason, source_ip, user_agent, data, topic, kafka_partition, "
            + "kafka_offset, chain, chain_seq, prev_hash, hash, traceparent) FROM STDIN";

    private final DataSource dataSource;
    private final Map<String, AuditRecord> heads = new HashMap<>();

    public AuditStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Thrown when the stored position of a partition is not the one this writer expected. */
    public static final class PositionConflict extends RuntimeException {
        PositionConflict(TopicPartition partition) {
            super("the stored position of " + partition + " moved: another writer owns it");
        }
    }

    /** The stored positions of the partitions, {@link #NO_POSITION} for those without one. */
    public Map<TopicPartition, Long> positions(Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> result = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT next_offset FROM ingest_position WHERE topic = ? AND kafka_partition = ?")) {
            for (TopicPartition tp : partitions) {
                ps.setString(1, tp.topic());
                ps.setInt(2, tp.partition());
                try (ResultSet rs = ps.executeQuery()) {
                    result.put(tp, rs.next() ? rs.getLong(1) : NO_POSITION);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read ingest positions", e);
        }
        return result;
    }

    /** Forgets cached chain heads, e.g. after a failed batch or when partitions move. */
    public void forgetChains() {
        heads.clear();
    }

    /**
     * Writes the batch and, on success, updates {@code positions} to where it got. Returns the records
     * stored (duplicates of stored events are skipped).
     *
     * <p>The records are copied in without first asking which of them are stored already: an event stored
     * before arrives again only when a producer re-sent it. If one did, the event id's unique constraint
     * refuses the copy, the transaction rolls back and the batch is written again, this time skipping the
     * events found stored.
     */
    public StoredBatch write(IngestBatch batch, Map<TopicPartition, Long> positions, IngestFaults faults)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                return write(c, batch, positions, faults, false);
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                return write(c, batch, positions, faults, true);
            }
        }
    }

    private StoredBatch write(
            Connection c,
            IngestBatch batch,
            Map<TopicPartition, Long> positions,
            IngestFaults faults,
            boolean skipStored)
            throws SQLException {
        try {
            List<AuditRecord> stored = insertRecords(c, batch.records, skipStored);
            upsertRollups(c, batch.rollups);
            insertAlerts(c, batch.records, stored);
            StoredBatch storedBatch = insertOutbox(c, stored, batch.records);
            advancePositions(c, batch.nextOffsets, positions);
            faults.beforeCommit();
            c.commit();
            for (AuditRecord r : stored) {
                heads.put(r.chain(), r);
            }
            positions.putAll(batch.nextOffsets);
            return storedBatch;
        } catch (SQLException | RuntimeException | Error e) {
            heads.clear();
            try {
                c.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
    }

    private List<AuditRecord> insertRecords(Connection c, List<Incoming> incoming, boolean skipStored)
            throws SQLException {
        if (incoming.isEmpty()) {
            return List.of();
        }
        Set<String> seen = skipStored ? stored(c, incoming) : new HashSet<>();
        Map<String, AuditRecord> tails = new HashMap<>();
        List<AuditRecord> records = new ArrayList<>();
        for (Incoming in : incoming) {
            if (!seen.add(in.event().id())) {
                continue;
            }
            String chain = AuditRecord.chainOf(in.topic(), in.partition());
            AuditRecord previous = tails.containsKey(chain) ? tails.get(chain) : head(c, chain);
            AuditRecord record = toRecord(in)
                    .link(
                            previous == null ? 1 : previous.chainSeq() + 1,
                            previous == null ? ChainHash.GENESIS : previous.hash());
            tails.put(chain, record);
            records.add(record);
        }
        if (!records.isEmpty()) {
            copyIn(c, records);
        }
        return records;
    }

    /** The ids of the incoming events that are stored already. */
    private static Set<String> stored(Connection c, List<Incoming> incoming) throws SQLException {
        Set<String> existing = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT event_id FROM audit_record WHERE event_id = ANY(?)")) {
            ps.setArray(
                    1,
                    c.createArrayOf(
                            "text", incoming.stream().map(i -> i.event().id()).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    existing.add(rs.getString(1));
                }
            }
        }
        return existing;
    }

    /**
     * One {@code COPY} of the records (text format): PostgreSQL parses no statement per row, and the driver
     * binds no parameters.
     */
    private static void copyIn(Connection c, List<AuditRecord> records) throws SQLException {
        StringBuilder rows = new StringBuilder(records.size() * 768);
        for (AuditRecord r : records) {
            CopyText.row(
                    rows,
                    r.eventId(),
                    r.type(),
                    r.source(),
                    r.time().toString(),
                    r.accountId(),
                    r.actor(),
                    r.subject(),
                    r.outcome(),
                    r.reason(),
                    r.sourceIp(),
                    r.userAgent(),
                    r.data(),
                    r.topic(),
                    Integer.toString(r.partition()),
                    Long.toString(r.offset()),
                    r.chain(),
                    Long.toString(r.chainSeq()),
                    r.prevHash(),
                    r.hash(),
                    r.traceparent());
        }
        byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_RECORDS);
        try {
            copy.writeToCopy(bytes, 0, bytes.length);
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private AuditRecord head(Connection c, String chain) throws SQLException {
        if (heads.containsKey(chain)) {
            return heads.get(chain);
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT chain_seq, hash FROM audit_record WHERE chain = ? ORDER BY chain_seq DESC LIMIT 1")) {
            ps.setString(1, chain);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                AuditRecord head = new AuditRecord(
                        0,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        0,
                        0,
                        chain,
                        rs.getLong(1),
                        null,
                        rs.getString(2),
                        null);
                heads.put(chain, head);
                return head;
            }
        }
    }

    static AuditRecord toRecord(Incoming in) {
        CloudEvent e = in.event();
        String subject = e.string(EventFields.SUBJECT) != null ? e.string(EventFields.SUBJECT) : e.subject();
        return new AuditRecord(
                0,
                e.id(),
                e.type(),
                e.source(),
                e.time().truncatedTo(ChronoUnit.MICROS),
                e.accountId(),
                e.actor(),
                subject,
                e.string(EventFields.OUTCOME) == null ? "unknown" : e.string(EventFields.OUTCOME),
                e.reason(),
                e.sourceIp(),
                e.userAgent(),
                ChainHash.canonicalData(e.data()),
                in.topic(),
                in.partition(),
                in.offset(),
                AuditRecord.chainOf(in.topic(), in.partition()),
                0,
                null,
                null,
                e.traceparent());
    }

    private static void upsertRollups(Connection c, Map<RollupKey, Long> rollups) throws SQLException {
        if (rollups.isEmpty()) {
            return;
        }
        try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO key_usage_rollup (key_id, minute, outcome, network, account_id, count) "
                        + "VALUES (?,?,?,?,?,?) ON CONFLICT (key_id, minute, outcome, network) "
                        + "DO UPDATE SET count = key_usage_rollup.count + EXCLUDED.count")) {
            // in primary-key order (IngestBatch keeps them so): writers sharing cells cannot deadlock
            for (Map.Entry<RollupKey, Long> e : rollups.entrySet()) {
                RollupKey k = e.getKey();
                ps.setString(1, k.keyId());
                ps.setObject(2, OffsetDateTime.ofInstant(k.minute(), ZoneOffset.UTC));
                ps.setString(3, k.outcome());
                ps.setString(4, k.network());
                ps.setString(5, k.accountId());
                ps.setLong(6, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void insertAlerts(Connection c, List<Incoming> incoming, List<AuditRecord> stored)
            throws SQLException {
        Set<String> storedIds = new HashSet<>();
        stored.forEach(r -> storedIds.add(r.eventId()));
        List<CloudEvent> raised = incoming.stream()
                .map(Incoming::event)
                .filter(e -> EventType.ALERT_RAISED.type().equals(e.type()) && storedIds.contains(e.id()))
                .toList();
        if (raised.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO alert (id, event_id, account_id, rule, severity, subject, summary, evidence, raised_at) "
                        + "VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (id) DO NOTHING")) {
            for (CloudEvent e : raised) {
                ps.setString(1, e.string(EventFields.ALERT_ID));
                ps.setString(2, e.id());
                ps.setString(3, e.accountId());
                ps.setString(4, e.string(EventFields.RULE));
                ps.setString(5, e.string(EventFields.SEVERITY));
                ps.setString(6, e.string(EventFields.SUBJECT));
                ps.setString(7, e.string("summary"));
                ps.setString(8, ChainHash.canonicalData(Map.of("ids", e.strings(EventFields.EVIDENCE))));
                ps.setObject(9, OffsetDateTime.ofInstant(e.time(), ZoneOffset.UTC));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * One outbox row for the SIEM copies of the whole batch, naming the stored records by chain and link
     * ({@link SiemCopies#ranges}); the relay builds the copies from the batch handed to it after the commit, or
     * from the records themselves.
     */
    private static StoredBatch insertOutbox(Connection c, List<AuditRecord> stored, List<Incoming> incoming)
            throws SQLException {
        if (stored.isEmpty()) {
            return StoredBatch.NONE;
        }
        Map<String, Map<String, Object>> dataById = new HashMap<>();
        incoming.forEach(i -> dataById.putIfAbsent(i.event().id(), i.event().data()));
        List<Map<String, Object>> data = new ArrayList<>(stored.size());
        for (AuditRecord r : stored) {
            data.add(dataById.get(r.eventId()));
        }
        String ranges = SiemCopies.ranges(stored);
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO outbox (topic, event_key, audit_ranges, record_count) VALUES (?,?,?,?)")) {
            ps.setString(1, Topics.AUDIT_LOG);
            ps.setString(2, "");
            ps.setString(3, ranges);
            ps.setInt(4, stored.size());
            ps.executeUpdate();
        }
        return new StoredBatch(stored, data, ranges);
    }

    private static void advancePositions(
            Connection c, Map<TopicPartition, Long> next, Map<TopicPartition, Long> expected) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO ingest_position (topic, kafka_partition, next_offset) VALUES (?,?,?) "
                                + "ON CONFLICT DO NOTHING");
                PreparedStatement update = c.prepareStatement("UPDATE ingest_position SET next_offset = ? "
                        + "WHERE topic = ? AND kafka_partition = ? AND next_offset = ?")) {
            for (Map.Entry<TopicPartition, Long> e : next.entrySet()) {
                TopicPartition tp = e.getKey();
                long was = expected.getOrDefault(tp, NO_POSITION);
                int changed;
                if (was == NO_POSITION) {
                    insert.setString(1, tp.topic());
                    insert.setInt(2, tp.partition());
                    insert.setLong(3, e.getValue());
                    changed = insert.executeUpdate();
                } else {
                    update.setLong(1, e.getValue());
                    update.setString(2, tp.topic());
                    update.setInt(3, tp.partition());
                    update.setLong(4, was);
                    changed = update.executeUpdate();
                }
                if (changed != 1) {
                    throw new PositionConflict(tp);
                }
            }
        }
    }

    public static Map<String, Object> parseData(String json) {
        try {
            return MAPPER.readValue(json, MAP);
        } catch (Exception e) {
            throw new IllegalStateException("stored data is not JSON", e);
        }
    }

    /** Reads a stored row. */
    public static AuditRecord read(ResultSet rs) throws SQLException {
        return new AuditRecord(
                rs.getLong("seq"),
                rs.getString("event_id"),
                rs.getString("event_type"),
                rs.getString("source"),
                rs.getObject("event_time", OffsetDateTime.class).toInstant(),
                rs.getString("account_id"),
                rs.getString("actor"),
                rs.getString("subject"),
                rs.getString("outcome"),
                rs.getString("reason"),
                rs.getString("source_ip"),
                rs.getString("user_agent"),
                rs.getString("data"),
                rs.getString("topic"),
                rs.getInt("kafka_partition"),
                rs.getLong("kafka_offset"),
                rs.getString("chain"),
                rs.getLong("chain_seq"),
                rs.getString("prev_hash"),
                rs.getString("hash"),
                rs.getString("traceparent"));
    }
}
