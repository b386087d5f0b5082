package io.openclaw.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadGeneratorTest {

    @Test
    void aClosedLoopCountsSuccessesAndFailuresSeparately() throws Exception {
        AtomicLong calls = new AtomicLong();

        LoadResult result = LoadGenerator.closedLoop(
                "every third fails",
                2,
                Duration.ofMillis(50),
                Duration.ofMillis(300),
                worker -> () -> calls.incrementAndGet() % 3 != 0);

        assertThat(result.ok()).isPositive();
        assertThat(result.errors()).isPositive();
        assertThat((double) result.errors() / (result.ok() + result.errors())).isBetween(0.2, 0.45);
        assertThat(result.p99Micros()).isGreaterThanOrEqualTo(result.p50Micros());
    }

    @Test
    void theReportWritesJsonMarkdownAndAChartWithTheRatioToItsLimit(@TempDir Path dir) throws Exception {
        LoadResult noop = new LoadResult("no-op", "closed", 4, 1, 1000, 0, 1000, 100, 200, 300, 400);
        LoadResult real = new LoadResult("verify", "closed", 4, 1, 600, 2, 600, 150, 250, 900, 1200);

        new BenchReport("keys").add(noop).add(real, noop).fact("rss_mib", 210).write(dir);

        assertThat(Files.readString(dir.resolve("keys.md")))
                .contains("| verify |")
                .contains("0.60 × no-op");
        assertThat(Files.readString(dir.resolve("keys.json"))).contains("\"ratio_to_limit\" : 0.6");
        assertThat(Files.readString(dir.resolve("keys.svg"))).startsWith("<svg").contains("p99 0.90 ms");
    }
}
