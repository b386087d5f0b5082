package io.openclaw.e2e.bench;

import java.time.Duration;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/** What one scenario measured. Latencies in microseconds. */
public record LoadResult(
        String scenario,
        String mode,
        int workers,
        double seconds,
        long ok,
        long errors,
        double throughput,
        long p50Micros,
        long p90Micros,
        long p99Micros,
        long maxMicros) {

    static LoadResult of(
            String scenario, String mode, int workers, Duration elapsed, long ok, long errors, Histogram histogram) {
        double seconds = elapsed.toNanos() / 1e9;
        return new LoadResult(
                scenario,
                mode,
                workers,
                seconds,
                ok,
                errors,
                ok / seconds,
                histogram.getValueAtPercentile(50),
                histogram.getValueAtPercentile(90),
                histogram.getValueAtPercentile(99),
                histogram.getMaxValue());
    }

    /** What the concurrency counts: connections for the HTTP loop, threads otherwise. */
    public String unit() {
        return mode.contains("HTTP") ? "connections" : "workers";
    }

    public String summary() {
        return String.format(
                Locale.ROOT,
                "%s [%s, %d %s]: %.0f ok/s, %d errors, p50 %.2f ms, p99 %.2f ms",
                scenario,
                mode,
                workers,
                unit(),
                throughput,
                errors,
                p50Micros / 1000.0,
                p99Micros / 1000.0);
    }
}
