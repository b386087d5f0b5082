package io.openclaw.audit.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.audit.log.AuditRecord;
import io.openclaw.audit.log.StoredBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SiemCopiesTest {

    @Test
    void aBatchIsNamedByTheFirstAndLastLinkOfEachOfItsChainsInTheOrderTheyAppear() {
        List<AuditRecord> records = List.of(
                record("openclaw.token.events/3", 7),
                record("openclaw.key.events/0", 41),
                record("openclaw.token.events/3", 8),
                record("openclaw.key.events/0", 42),
                record("openclaw.token.events/3", 9));

        assertThat(SiemCopies.ranges(records)).isEqualTo("openclaw.token.events/3 7 9\nopenclaw.key.events/0 41 42\n");
    }

    @Test
    void theOldestHandOffsAreDroppedWhenTheRelayFallsBehind() {
        SiemCopies copies = new SiemCopies();
        int perBatch = SiemCopies.MAX_HELD / 4;
        for (int b = 0; b < 6; b++) {
            copies.handOff(batch("openclaw.token.events/0", b * perBatch + 1L, perBatch));
        }

        assertThat(copies.held()).isEqualTo(4 * perBatch);
    }

    private static StoredBatch batch(String chain, long first, int size) {
        List<AuditRecord> records = new ArrayList<>();
        List<Map<String, Object>> data = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            records.add(record(chain, first + i));
            data.add(Map.of());
        }
        return new StoredBatch(records, data, SiemCopies.ranges(records));
    }

    private static AuditRecord record(String chain, long chainSeq) {
        return new AuditRecord(
                0,
                "evt_" + chain + chainSeq,
                "io.openclaw.token.issued",
                "/token-service",
                Instant.EPOCH,
                "acc_test",
                "svc:test",
                "dev_test",
                "success",
                null,
                null,
                null,
                "{}",
                chain.substring(0, chain.indexOf('/')),
                0,
                chainSeq,
                chain,
                chainSeq,
                "0".repeat(64),
                "1".repeat(64),
                null);
    }
}
