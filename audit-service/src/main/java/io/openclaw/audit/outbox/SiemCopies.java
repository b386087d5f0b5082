package io.openclaw.audit.outbox;

import io.openclaw.audit.log.AuditRecord;
import io.openclaw.audit.log.AuditStore;
import io.openclaw.audit.log.OcsfMapping;
import io.openclaw.audit.log.StoredBatch;
import io.openclaw.events.KafkaCloudEvents;
import io.openclaw.events.Topics;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The SIEM copies ({@code openclaw.audit.log}) of the records an ingest batch stored. The batch's outbox row
 * names its records by chain and link ({@link #ranges}); the copies are built from the records the writer
 * handed over after its commit ({@link #handOff}), and, when none were handed over for a row — the service
 * restarted, or another instance's relay took the row — from the records read back from {@code audit_record}.
 * Both give the same copies; the first reads nothing back.
 *
 * <p>Hand-offs wait in memory until the relay takes them, at most {@link #MAX_HELD} records in all; when the
 * relay falls behind (the broker is down), the oldest are dropped and read back later.
 */
public final class SiemCopies {

    /** Most records held for the relay. */
    static final int MAX_HELD = 20_000;

    private static final String READ_BACK = "SELECT r.* FROM audit_record r "
            + "JOIN unnest(?::text[], ?::bigint[], ?::bigint[]) AS q(chain, first_seq, last_seq) "
            + "ON r.chain = q.chain AND r.chain_seq BETWEEN q.first_seq AND q.last_seq ORDER BY r.seq";

    private final Map<String, StoredBatch> held = new LinkedHashMap<>();
    private int heldRecords;

    /**
     * The {@code audit_ranges} text of an outbox row for these records: one line per chain, {@code chain first
     * last}, chains in the order they first appear. Chain names are topic names and a partition number, which
     * hold no space.
     */
    public static String ranges(List<AuditRecord> records) {
        Map<String, long[]> byChain = new LinkedHashMap<>();
        for (AuditRecord r : records) {
            long[] range = byChain.computeIfAbsent(r.chain(), c -> new long[] {r.chainSeq(), r.chainSeq()});
            range[0] = Math.min(range[0], r.chainSeq());
            range[1] = Math.max(range[1], r.chainSeq());
        }
        StringBuilder text = new StringBuilder();
        byChain.forEach((chain, range) -> text.append(chain)
                .append(' ')
                .append(range[0])
                .append(' ')
                .append(range[1])
                .append('\n'));
        return text.toString();
    }

    /** Keeps a committed batch's records for the relay. */
    public synchronized void handOff(StoredBatch batch) {
        if (batch.isEmpty() || batch.records().size() > MAX_HELD) {
            return;
        }
        held.put(batch.ranges(), batch);
        heldRecords += batch.records().size();
        Iterator<StoredBatch> oldest = held.values().iterator();
        while (heldRecords > MAX_HELD && oldest.hasNext()) {
            heldRecords -= oldest.next().records().size();
            oldest.remove();
        }
    }

    /** How many records wait in memory for the relay. */
    public synchronized int held() {
        return heldRecords;
    }

    private synchronized StoredBatch take(String ranges) {
        StoredBatch batch = held.remove(ranges);
        if (batch != null) {
            heldRecords -= batch.records().size();
        }
        return batch;
    }

    /** The SIEM copies for an outbox row's {@code audit_ranges}, in the order the records were stored. */
    public List<ProducerRecord<String, byte[]>> copies(Connection c, String ranges) throws SQLException {
        StoredBatch batch = take(ranges);
        if (batch == null) {
            batch = readBack(c, ranges);
        }
        List<ProducerRecord<String, byte[]>> copies =
                new ArrayList<>(batch.records().size());
        for (int i = 0; i < batch.records().size(); i++) {
            copies.add(KafkaCloudEvents.toRecord(
                    Topics.AUDIT_LOG,
                    OcsfMapping.recorded(batch.records().get(i), batch.data().get(i))));
        }
        return copies;
    }

    /** The records the ranges name, from the store; a transaction keeps them in the order it wrote them. */
    static StoredBatch readBack(Connection c, String ranges) throws SQLException {
        List<String> chains = new ArrayList<>();
        List<Long> firsts = new ArrayList<>();
        List<Long> lasts = new ArrayList<>();
        for (String line : ranges.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split(" ");
            if (parts.length != 3) {
                throw new IllegalStateException("malformed audit_ranges line in the outbox");
            }
            chains.add(parts[0]);
            firsts.add(Long.parseLong(parts[1]));
            lasts.add(Long.parseLong(parts[2]));
        }
        List<AuditRecord> records = new ArrayList<>();
        List<Map<String, Object>> data = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(READ_BACK)) {
            Array chainArray = c.createArrayOf("text", chains.toArray());
            Array firstArray = c.createArrayOf("bigint", firsts.toArray());
            Array lastArray = c.createArrayOf("bigint", lasts.toArray());
            ps.setArray(1, chainArray);
            ps.setArray(2, firstArray);
            ps.setArray(3, lastArray);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    AuditRecord r = AuditStore.read(rs);
                    records.add(r);
                    data.add(AuditStore.parseData(r.data()));
                }
            }
        }
        return new StoredBatch(records, data, ranges);
    }
}
