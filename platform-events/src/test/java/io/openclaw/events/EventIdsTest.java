package io.openclaw.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdsTest {

    @Test
    void anIdIsAVersion7UuidInItsCanonicalForm() {
        String id = EventIds.next();
        UUID uuid = UUID.fromString(id);

        assertThat(id).hasSize(36).isEqualTo(uuid.toString());
        assertThat(uuid.version()).isEqualTo(7);
        assertThat(uuid.variant()).isEqualTo(2);
    }

    @Test
    void idsMadeOneAfterAnotherAreUniqueAndSortByTheirTime() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(EventIds.next());
        }
        Set<String> unique = new HashSet<>(ids);

        assertThat(unique).hasSize(ids.size());
        assertThat(ids.stream().map(EventIdsTest::millis).toList()).isSorted();
        assertThat(millis(ids.get(0))).isBetween(System.currentTimeMillis() - 60_000, System.currentTimeMillis());
    }

    @Test
    void theBuilderGivesEveryEventSuchAnId() {
        CloudEvent event = CloudEvent.builder(EventType.KEY_CREATED)
                .source("/test")
                .accountId("acc_ids")
                .actor("key_ids")
                .subject("key_ids")
                .build();

        assertThat(UUID.fromString(event.id()).version()).isEqualTo(7);
    }

    /** The timestamp of a version 7 UUID: its first 48 bits. */
    private static long millis(String id) {
        return UUID.fromString(id).getMostSignificantBits() >>> 16;
    }
}
