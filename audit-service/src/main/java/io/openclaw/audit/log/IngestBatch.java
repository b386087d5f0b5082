package io.openclaw.audit.log;

import io.openclaw.events.CloudEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/** One polled batch, sorted into records to store, usage to roll up, and how far each partition got. */
public final class IngestBatch {

    /** An event to store with where it was read. */
    public record Incoming(CloudEvent event, String topic, int partition, long offset) {}

    /** The cell of the usage rollup an event counts in. */
    public record RollupKey(String keyId, Instant minute, String outcome, String network, String accountId) {

        /**
         * The order of the rollup table's primary key: writers that share cells upsert them in this order and so
         * never deadlock, and a batch holds one count per row.
         */
        static final Comparator<RollupKey> PRIMARY_KEY_ORDER = Comparator.comparing(RollupKey::keyId)
                .thenComparing(RollupKey::minute)
                .thenComparing(RollupKey::outcome)
                .thenComparing(RollupKey::network);
    }

    final List<Incoming> records = new ArrayList<>();
    final Map<RollupKey, Long> rollups = new TreeMap<>(RollupKey.PRIMARY_KEY_ORDER);
    final Map<TopicPartition, Long> nextOffsets = new LinkedHashMap<>();
    final Map<TopicPartition, Long> firstOffsets = new LinkedHashMap<>();

    void store(Incoming incoming) {
        records.add(incoming);
    }

    void rollUp(RollupKey key) {
        rollups.merge(key, 1L, Long::sum);
    }

    void advance(TopicPartition partition, long offset) {
        firstOffsets.putIfAbsent(partition, offset);
        nextOffsets.put(partition, offset + 1);
    }

    public int size() {
        return records.size();
    }
}
