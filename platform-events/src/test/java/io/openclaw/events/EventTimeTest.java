package io.openclaw.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EventTimeTest {

    @Test
    void readsWhatInstantWritesAtEveryPrecisionExactlyAsInstantParseDoes() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 100_000; i++) {
            Instant instant = Instant.ofEpochSecond(
                    random.nextLong(-62_135_596_800L, 253_402_300_799L), random.nextInt(1_000_000_000));
            for (long step : new long[] {1, 1_000, 1_000_000, 1_000_000_000}) {
                Instant truncated = instant.minusNanos(instant.getNano() % step);
                String text = truncated.toString();
                assertThat(EventTime.parse(text)).as(text).isEqualTo(Instant.parse(text));
            }
        }
    }

    @Test
    void readsFractionsOfAnyLength() {
        assertThat(EventTime.parse("2026-12-03T06:58:21.1Z")).isEqualTo(Instant.parse("2026-12-03T06:58:21.100Z"));
        assertThat(EventTime.parse("2026-12-03T06:58:21.12345Z"))
                .isEqualTo(Instant.ofEpochSecond(
                        Instant.parse("2026-12-03T06:58:21Z").getEpochSecond(), 123_450_000));
        assertThat(EventTime.parse("2024-02-29T23:59:59.999999999Z")).isEqualTo("2024-02-29T23:59:59.999999999Z");
    }

    @Test
    void otherValidFormsAreLeftToInstantParse() {
        assertThat(EventTime.parse("2026-12-03T07:58:21+01:00")).isEqualTo(Instant.parse("2026-12-03T06:58:21Z"));
        for (String other : new String[] {
            "+12026-12-03T06:58:21Z", "2026-12-03T24:00:00Z", "2026-12-03t06:58:21z", "2026-12-03T06:58:21.Z"
        }) {
            assertThat(EventTime.parse(other)).as(other).isEqualTo(Instant.parse(other));
        }
    }

    @Test
    void whatIsNotATimestampIsRefusedLikeInstantParseRefusesIt() {
        for (String bad : new String[] {
            "",
            "2026-12-03",
            "2026-12-03T06:58:21",
            "2026-13-03T06:58:21Z",
            "2026-02-30T06:58:21Z",
            "2025-02-29T06:58:21Z",
            "2026-12-03T06:60:21Z",
            "2026-12-03T06:58:61Z",
            "2026-12-03T06:58:21.1234567890Z",
            "2026-12-03 06:58:21Z",
            "2026-12-0xT06:58:21Z",
            "２０２６-12-03T06:58:21Z",
            "2026-12-03T06:58:21.12a4Z"
        }) {
            assertThatThrownBy(() -> EventTime.parse(bad)).as(bad).isInstanceOf(DateTimeParseException.class);
        }
    }
}
