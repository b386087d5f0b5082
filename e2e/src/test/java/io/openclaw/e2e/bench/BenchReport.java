package io.openclaw.e2e.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Collects the scenarios of one benchmark group, each beside the limit it is compared with (a no-op endpoint,
 * the signing ceiling, a raw consumer), and writes them as JSON (machine-readable), a Markdown table and an
 * SVG chart of throughput and p99 into {@code docs/benchmarks/}.
 */
public final class BenchReport {

    private final String group;
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Object> facts = new LinkedHashMap<>();

    public BenchReport(String group) {
        this.group = group;
        facts.put("group", group);
        facts.put("measured_at", Instant.now().toString());
        facts.put("jdk", System.getProperty("java.vendor") + " " + System.getProperty("java.version"));
        facts.put("cpus", Runtime.getRuntime().availableProcessors());
    }

    /** A scenario measured on its own. */
    public BenchReport add(LoadResult result) {
        return add(result, null);
    }

    /** A scenario and the limit it is reported against as a ratio. */
    public BenchReport add(LoadResult result, LoadResult limit) {
        rows.add(new Row(result, limit));
        System.out.println("[bench] " + result.summary()
                + (limit == null
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                " = %.2f x %s",
                                result.throughput() / limit.throughput(),
                                limit.scenario())));
        return this;
    }

    /** A non-load figure such as start-up time or RSS. */
    public BenchReport fact(String name, Object value) {
        facts.put(name, value);
        System.out.println("[bench] " + name + " = " + value);
        return this;
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    /** Writes {@code <group>.json}, {@code <group>.md} and {@code <group>.svg} under the directory. */
    public void write(Path directory) {
        try {
            Files.createDirectories(directory);
            Map<String, Object> json = new LinkedHashMap<>(facts);
            json.put("scenarios", rows.stream().map(Row::asMap).toList());
            new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(directory.resolve(group + ".json").toFile(), json);
            Files.writeString(directory.resolve(group + ".md"), markdown());
            Files.writeString(directory.resolve(group + ".svg"), svg());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("### ").append(group).append("\n\n");
        md.append("Measured ")
                .append(facts.get("measured_at"))
                .append(" on ")
                .append(facts.get("cpus"))
                .append(" CPUs, ")
                .append(facts.get("jdk"))
                .append(".\n\n");
        md.append("| scenario | load | ok/s | errors | p50 ms | p99 ms | vs. limit |\n");
        md.append("|---|---|---:|---:|---:|---:|---|\n");
        for (Row row : rows) {
            LoadResult r = row.result();
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s, %d %s | %.0f | %d | %.2f | %.2f | %s |\n",
                    r.scenario(),
                    r.mode(),
                    r.workers(),
                    r.unit(),
                    r.throughput(),
                    r.errors(),
                    r.p50Micros() / 1000.0,
                    r.p99Micros() / 1000.0,
                    row.limit() == null
                            ? "—"
                            : String.format(
                                    Locale.ROOT,
                                    "%.2f × %s",
                                    row.ratio(),
                                    row.limit().scenario())));
        }
        facts.forEach((k, v) -> {
            if (!List.of("group", "measured_at", "jdk", "cpus").contains(k)) {
                md.append("\n- ").append(k).append(": ").append(v);
            }
        });
        return md.append("\n").toString();
    }

    String svg() {
        int barHeight = 22;
        int gap = 8;
        int labelWidth = 260;
        int chartWidth = 420;
        int height = 40 + rows.size() * (barHeight + gap) * 2;
        double maxThroughput =
                rows.stream().mapToDouble(r -> r.result().throughput()).max().orElse(1);
        double maxP99 =
                rows.stream().mapToDouble(r -> r.result().p99Micros()).max().orElse(1);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n",
                labelWidth + chartWidth + 140,
                height));
        svg.append("<text x=\"4\" y=\"16\" font-weight=\"bold\">")
                .append(escape(group))
                .append(": throughput (blue, ok/s) and p99 latency (orange, ms)</text>\n");
        int y = 30;
        for (Row row : rows) {
            LoadResult r = row.result();
            int tw = (int) Math.max(1, chartWidth * r.throughput() / maxThroughput);
            int lw = (int) Math.max(1, chartWidth * r.p99Micros() / maxP99);
            svg.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\">%s</text>\n", y + 15, escape(r.scenario())));
            svg.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#3b6fb6\"/><text x=\"%d\" y=\"%d\">%.0f/s</text>\n",
                    labelWidth,
                    y,
                    tw,
                    barHeight,
                    labelWidth + tw + 4,
                    y + 15,
                    r.throughput()));
            y += barHeight + gap;
            svg.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#e08a2c\"/><text x=\"%d\" y=\"%d\">p99 %.2f ms</text>\n",
                    labelWidth,
                    y,
                    lw,
                    barHeight,
                    labelWidth + lw + 4,
                    y + 15,
                    r.p99Micros() / 1000.0));
            y += barHeight + gap;
        }
        return svg.append("</svg>\n").toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** A scenario and its limit. */
    public record Row(LoadResult result, LoadResult limit) {
        public double ratio() {
            return limit == null ? Double.NaN : result.throughput() / limit.throughput();
        }

        Map<String, Object> asMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("result", result);
            map.put("limit", limit == null ? null : limit.scenario());
            map.put("ratio_to_limit", limit == null ? null : ratio());
            return map;
        }
    }
}
