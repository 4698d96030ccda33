package dev.spool.bench.compare;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the output of one workload run (a tool's stdout plus the harness's {@code @key=value} lines)
 * into metrics. Understood: Kafka's {@code ProducerPerformance} summary line, Kafka's {@code
 * ConsumerPerformance} result line (with or without its header; the fetch rates are taken, which leave
 * out the time the group took to form, as Kafka's own {@code fetch.MB.sec} does), Kafka's {@code
 * EndToEndLatency} percentiles line, the lines of {@link GroupBench} ({@code group:}, {@code
 * commits:}), and the lines of {@link BenchClient} ({@code consume:}, {@code
 * produce:}, {@code e2e:}, {@code create-topic:}). Harness lines: {@code @error=reason}, {@code @startup_ms}, {@code
 * @idle_rss_kb}, {@code @cpu_ticks_before}, {@code @cpu_ticks_after}, {@code @clk_tck}, {@code
 * @bytes} (what the workload moved, for CPU seconds per GB).
 */
public final class RunParser {
    /** Bytes in the "MB" of {@code mb_per_s}: Kafka's tools print MiB. */
    static final double MB = 1024.0 * 1024.0;

    /** Bytes in the "GB" of {@code broker_cpu_s_per_gb}. */
    static final double GB = 1e9;

    private static final String NUM = "([0-9]+(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)";

    /** ProducerPerformance's final line (the periodic lines lack the percentiles). */
    private static final Pattern PRODUCER =
            Pattern.compile("^" + NUM + " records sent, " + NUM + " records/sec \\(" + NUM + " MB/sec\\), " + NUM
                    + " ms avg latency, " + NUM + " ms max latency, " + NUM + " ms 50th, " + NUM + " ms 95th, " + NUM
                    + " ms 99th, " + NUM + " ms 99\\.9th\\.");

    private static final Pattern KAFKA_E2E =
            Pattern.compile("^Percentiles: 50th = " + NUM + ", 99th = " + NUM + ", 99\\.9th = " + NUM);

    /**
     * ConsumerPerformance's result: start and end time, MB, MB/s, records, records/s, rebalance ms, fetch
     * ms, fetch MB/s, fetch records/s.
     */
    private static final Pattern CONSUMER_PERF = Pattern.compile("^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]+, "
            + "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]+, " + NUM + ", " + NUM + ", " + NUM + ", " + NUM + ", " + NUM + ", "
            + NUM + ", " + NUM + ", " + NUM + "$");

    private static final Pattern CONSUME =
            Pattern.compile("^(?:consume|produce): records=" + NUM + " bytes=" + NUM + " elapsed_ms=" + NUM);

    private static final Pattern E2E =
            Pattern.compile("^e2e: count=" + NUM + " p50_ms=" + NUM + " p99_ms=" + NUM + " p999_ms=" + NUM);

    private static final Pattern GROUP = Pattern.compile("^group: members=" + NUM + " stabilise_ms=" + NUM);

    private static final Pattern COMMITS = Pattern.compile("^commits: count=" + NUM + " elapsed_ms=" + NUM);

    private static final Pattern CREATE = Pattern.compile("^create-topic: partitions=" + NUM + " elapsed_ms=" + NUM);

    private RunParser() {}

    /** One run's metrics (in {@link Metric} order), or its error. */
    public record Run(Map<Metric, Double> metrics, String error) {
        /** True when the run produced numbers. */
        public boolean ok() {
            return error == null;
        }
    }

    /** Parses one run's lines. */
    public static Run parse(List<String> lines) {
        Map<Metric, Double> m = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("@")) {
                int eq = line.indexOf('=');
                if (eq > 1) {
                    meta.put(line.substring(1, eq), line.substring(eq + 1).strip());
                }
                continue;
            }
            Matcher p = PRODUCER.matcher(line);
            if (p.find()) {
                m.put(Metric.RECORDS_PER_S, num(p, 2));
                m.put(Metric.MB_PER_S, num(p, 3));
                continue;
            }
            Matcher cp = CONSUMER_PERF.matcher(line);
            if (cp.find()) {
                m.put(Metric.RECORDS_PER_S, num(cp, 8));
                m.put(Metric.MB_PER_S, num(cp, 7));
                continue;
            }
            Matcher c = CONSUME.matcher(line);
            if (c.find()) {
                double seconds = num(c, 3) / 1000.0;
                if (seconds > 0) {
                    m.put(Metric.RECORDS_PER_S, num(c, 1) / seconds);
                    m.put(Metric.MB_PER_S, num(c, 2) / MB / seconds);
                }
                continue;
            }
            Matcher e = E2E.matcher(line);
            if (e.find()) {
                m.put(Metric.P50_MS, num(e, 2));
                m.put(Metric.P99_MS, num(e, 3));
                m.put(Metric.P999_MS, num(e, 4));
                continue;
            }
            Matcher k = KAFKA_E2E.matcher(line);
            if (k.find()) {
                m.put(Metric.P50_MS, num(k, 1));
                m.put(Metric.P99_MS, num(k, 2));
                m.put(Metric.P999_MS, num(k, 3));
                continue;
            }
            Matcher g = GROUP.matcher(line);
            if (g.find()) {
                m.put(Metric.STABILISE_MS, num(g, 2));
                continue;
            }
            Matcher cm = COMMITS.matcher(line);
            if (cm.find()) {
                double seconds = num(cm, 2) / 1000.0;
                if (seconds > 0) {
                    m.put(Metric.COMMITS_PER_S, num(cm, 1) / seconds);
                }
                continue;
            }
            Matcher t = CREATE.matcher(line);
            if (t.find()) {
                m.put(Metric.CREATE_MS, num(t, 2));
            }
        }
        String error = meta.get("error");
        if (error != null) {
            return new Run(Map.of(), error.isEmpty() ? "failed" : error);
        }
        metaMetric(meta, "startup_ms", 1.0).ifPresent(v -> m.put(Metric.STARTUP_MS, v));
        metaMetric(meta, "idle_rss_kb", 1.0 / 1024.0).ifPresent(v -> m.put(Metric.IDLE_RSS_MB, v));
        if (meta.containsKey("cpu_ticks_before")
                && meta.containsKey("cpu_ticks_after")
                && meta.containsKey("clk_tck")) {
            double ticks =
                    Double.parseDouble(meta.get("cpu_ticks_after")) - Double.parseDouble(meta.get("cpu_ticks_before"));
            double cpuSeconds = ticks / Double.parseDouble(meta.get("clk_tck"));
            double bytes = meta.containsKey("bytes") ? Double.parseDouble(meta.get("bytes")) : 0;
            if (bytes > 0) {
                m.put(Metric.BROKER_CPU_S_PER_GB, cpuSeconds / (bytes / GB));
            }
            m.put(Metric.BROKER_CPU_S, cpuSeconds);
        }
        if (m.isEmpty()) {
            return new Run(Map.of(), "no result in the tool's output");
        }
        Map<Metric, Double> ordered = new LinkedHashMap<>();
        for (Metric metric : Metric.values()) {
            if (m.containsKey(metric)) {
                ordered.put(metric, m.get(metric));
            }
        }
        return new Run(ordered, null);
    }

    private static Optional<Double> metaMetric(Map<String, String> meta, String key, double scale) {
        String v = meta.get(key);
        return v == null ? Optional.empty() : Optional.of(Double.parseDouble(v) * scale);
    }

    private static double num(Matcher m, int group) {
        return Double.parseDouble(m.group(group));
    }
}
