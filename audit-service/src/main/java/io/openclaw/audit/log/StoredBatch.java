package io.openclaw.audit.log;

import java.util.List;
import java.util.Map;

/**
 * What one ingest transaction stored: the chained records, each event's data as it arrived (same order), and
 * the text of the outbox row that stands for their SIEM copies ({@code audit_ranges}).
 */
public record StoredBatch(List<AuditRecord> records, List<Map<String, Object>> data, String ranges) {

    public static final StoredBatch NONE = new StoredBatch(List.of(), List.of(), "");

    public boolean isEmpty() {
        return records.isEmpty();
    }
}
