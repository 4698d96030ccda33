package dev.spool.bench.compare;

import dev.spool.common.SuppressForbidden;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The side-by-side report of {@code bench/compare.sh}: reads the results file the script appends to
 * (blocks headed {@code === workload=W broker=kafka|spool round=N}, each holding one run's output),
 * takes the median of every metric per workload and broker, and renders the table and the CSV
 * ({@code workload,metric,unit,kafka,spool,ratio}, ratio = spool / kafka).
 *
 * <p>{@code java dev.spool.bench.compare.Report RESULTS_FILE [--csv FILE]} prints the table.
 */
public final class Report {
    static final String KAFKA = "kafka";
    static final String SPOOL = "spool";
    static final String CSV_HEADER = "workload,metric,unit,kafka,spool,ratio";

    private static final Pattern HEADER = Pattern.compile("^=== workload=(\\S+) broker=(\\S+) round=(\\S+)\\s*$");

    /** One table row: medians (null when that broker has no successful run) and the reason if so. */
    public record Row(
            String workload, Metric metric, Double kafka, Double spool, String kafkaError, String spoolError) {
        /** spool / kafka of the medians, or null when either is missing or kafka's is zero. */
        public Double ratio() {
            return kafka == null || spool == null || kafka == 0.0 ? null : spool / kafka;
        }
    }

    private final List<Row> rows;

    private Report(List<Row> rows) {
        this.rows = List.copyOf(rows);
    }

    /** The rows, workloads in the order they first appear in the results, metrics in {@link Metric} order. */
    public List<Row> rows() {
        return rows;
    }

    /** Builds the report from the results file's lines. */
    public static Report fromLines(List<String> lines) {
        // workload -> broker -> runs
        Map<String, Map<String, List<RunParser.Run>>> runs = new LinkedHashMap<>();
        String workload = null;
        String broker = null;
        List<String> block = new ArrayList<>();
        for (String line : lines) {
            Matcher h = HEADER.matcher(line);
            if (h.matches()) {
                addRun(runs, workload, broker, block);
                workload = h.group(1);
                broker = h.group(2);
                block = new ArrayList<>();
            } else if (workload != null) {
                block.add(line);
            }
        }
        addRun(runs, workload, broker, block);

        List<Row> rows = new ArrayList<>();
        for (var w : runs.entrySet()) {
            List<RunParser.Run> kafkaRuns = w.getValue().getOrDefault(KAFKA, List.of());
            List<RunParser.Run> spoolRuns = w.getValue().getOrDefault(SPOOL, List.of());
            Set<Metric> metrics = new LinkedHashSet<>();
            for (Metric m : Metric.values()) {
                for (RunParser.Run r : concat(kafkaRuns, spoolRuns)) {
                    if (r.metrics().containsKey(m)) {
                        metrics.add(m);
                    }
                }
            }
            String kafkaError = errorOf(kafkaRuns);
            String spoolError = errorOf(spoolRuns);
            if (metrics.isEmpty()) {
                rows.add(new Row(w.getKey(), null, null, null, kafkaError, spoolError));
            }
            for (Metric m : metrics) {
                rows.add(new Row(w.getKey(), m, median(kafkaRuns, m), median(spoolRuns, m), kafkaError, spoolError));
            }
        }
        return new Report(rows);
    }

    private static void addRun(
            Map<String, Map<String, List<RunParser.Run>>> runs, String workload, String broker, List<String> block) {
        if (workload == null) {
            return;
        }
        runs.computeIfAbsent(workload, k -> new LinkedHashMap<>())
                .computeIfAbsent(broker, k -> new ArrayList<>())
                .add(RunParser.parse(block));
    }

    private static List<RunParser.Run> concat(List<RunParser.Run> a, List<RunParser.Run> b) {
        List<RunParser.Run> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** The reason to print when no run of a broker succeeded (the first run's error), else null. */
    private static String errorOf(List<RunParser.Run> runs) {
        if (runs.isEmpty()) {
            return "not run";
        }
        for (RunParser.Run r : runs) {
            if (r.ok()) {
                return null;
            }
        }
        return runs.get(0).error();
    }

    private static Double median(List<RunParser.Run> runs, Metric m) {
        List<Double> values = new ArrayList<>();
        for (RunParser.Run r : runs) {
            Double v = r.metrics().get(m);
            if (v != null) {
                values.add(v);
            }
        }
        return values.isEmpty() ? null : median(values);
    }

    /** The median: the middle value, or the mean of the two middle values. */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }

    /** The table: {@code workload | metric | Kafka median | Spool median | ratio}, as Markdown. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append("| workload | metric | Kafka median | Spool median | ratio (Spool/Kafka) |\n");
        sb.append("|---|---|---:|---:|---:|\n");
        for (Row r : rows) {
            String metric = r.metric() == null
                    ? "-"
                    : r.metric().id() + " (" + r.metric().unit() + ")";
            sb.append("| ")
                    .append(r.workload())
                    .append(" | ")
                    .append(metric)
                    .append(" | ")
                    .append(cell(r.kafka(), r.kafkaError()))
                    .append(" | ")
                    .append(cell(r.spool(), r.spoolError()))
                    .append(" | ")
                    .append(r.ratio() == null ? "n/a" : String.format(Locale.ROOT, "%.2f", r.ratio()))
                    .append(" |\n");
        }
        return sb.toString();
    }

    /** The CSV, header {@value #CSV_HEADER}; a missing median or ratio is {@code n/a}. */
    public String csv() {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (Row r : rows) {
            if (r.metric() == null) {
                sb.append(r.workload()).append(",n/a,,n/a,n/a,n/a\n");
                continue;
            }
            sb.append(r.workload())
                    .append(',')
                    .append(r.metric().id())
                    .append(',')
                    .append(r.metric().unit())
                    .append(',')
                    .append(plain(r.kafka()))
                    .append(',')
                    .append(plain(r.spool()))
                    .append(',')
                    .append(r.ratio() == null ? "n/a" : String.format(Locale.ROOT, "%.4f", r.ratio()))
                    .append('\n');
        }
        return sb.toString();
    }

    private static String cell(Double value, String error) {
        if (value != null) {
            return human(value);
        }
        return error == null ? "n/a" : "n/a (" + error.replace('|', '/') + ")";
    }

    /** Table numbers: grouped integers from 100 up, else three significant-ish digits. */
    static String human(double v) {
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String plain(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** {@code Report RESULTS_FILE [--csv FILE]}: prints the table, writes the CSV if asked. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1 && !(args.length == 3 && args[1].equals("--csv"))) {
            throw new IllegalArgumentException("usage: Report RESULTS_FILE [--csv FILE]");
        }
        Report report = fromLines(Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8));
        if (args.length == 3) {
            Files.writeString(Path.of(args[2]), report.csv(), StandardCharsets.UTF_8);
        }
        print(report.table());
    }

    @SuppressForbidden(reason = "a command-line report: the table goes to the console")
    private static void print(String s) {
        System.out.print(s);
        System.out.flush();
    }
}
