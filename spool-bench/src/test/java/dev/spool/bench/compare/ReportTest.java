package dev.spool.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness's result handling on recorded tool output (src/test/resources/compare/sample-results.txt:
 * ProducerPerformance with its progress lines, Kafka's EndToEndLatency, BenchClient's lines, failures).
 */
class ReportTest {
    private static final double EPS = 1e-9;

    private static List<String> sample() throws IOException {
        try (InputStream in = ReportTest.class.getResourceAsStream("/compare/sample-results.txt")) {
            assertThat(in).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    private static Report.Row row(Report report, String workload, Metric metric) {
        return report.rows().stream()
                .filter(r -> r.workload().equals(workload) && r.metric() == metric)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no row " + workload + " " + metric));
    }

    @Test
    void parsesProducerPerformanceSummaryNotItsProgressLines() {
        RunParser.Run run = RunParser.parse(List.of(
                "499873 records sent, 99974.6 records/sec (9.53 MB/sec), 428.5 ms avg latency, 709.0 ms max latency.",
                "1000000 records sent, 99157.164105 records/sec (9.46 MB/sec), 428.49 ms avg latency, 709.00 ms max"
                        + " latency, 498 ms 50th, 525 ms 95th, 529 ms 99th, 531 ms 99.9th.",
                "@cpu_ticks_before=100",
                "@cpu_ticks_after=350",
                "@clk_tck=100",
                "@bytes=100000000"));
        assertThat(run.ok()).isTrue();
        assertThat(run.metrics())
                .containsOnlyKeys(
                        Metric.RECORDS_PER_S, Metric.MB_PER_S, Metric.BROKER_CPU_S_PER_GB, Metric.BROKER_CPU_S);
        assertThat(run.metrics().get(Metric.RECORDS_PER_S)).isCloseTo(99157.164105, within(EPS));
        assertThat(run.metrics().get(Metric.MB_PER_S)).isCloseTo(9.46, within(EPS));
        assertThat(run.metrics().get(Metric.BROKER_CPU_S)).isCloseTo(2.5, within(EPS));
        assertThat(run.metrics().get(Metric.BROKER_CPU_S_PER_GB)).isCloseTo(25.0, within(EPS));
    }

    @Test
    void parsesConsumerPerformanceFetchRatesWithOrWithoutHeader() {
        String header = "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,"
                + " rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec";
        String result = "2026-11-22 09:47:02:292, 2026-11-22 09:47:03:906, 190.7349, 118.1753, 2000000,"
                + " 1239157.3730, 472, 1142, 167.0183, 1751313.4851";
        for (List<String> lines : List.of(List.of(header, result), List.of(result))) {
            RunParser.Run run = RunParser.parse(lines);
            assertThat(run.ok()).isTrue();
            assertThat(run.metrics()).containsOnlyKeys(Metric.RECORDS_PER_S, Metric.MB_PER_S);
            assertThat(run.metrics().get(Metric.RECORDS_PER_S)).isCloseTo(1751313.4851, within(EPS));
            assertThat(run.metrics().get(Metric.MB_PER_S)).isCloseTo(167.0183, within(EPS));
        }
        assertThat(RunParser.parse(List.of(header)).ok()).isFalse();
    }

    @Test
    void parsesTheGroupLines() {
        RunParser.Run group = RunParser.parse(List.of("group: members=50 stabilise_ms=1234.500"));
        assertThat(group.metrics()).isEqualTo(Map.of(Metric.STABILISE_MS, 1234.5));
        RunParser.Run commits = RunParser.parse(List.of("commits: count=3000 elapsed_ms=1500.000"));
        assertThat(commits.metrics()).isEqualTo(Map.of(Metric.COMMITS_PER_S, 2000.0));
    }

    @Test
    void aGroupIsStableWhenEveryMemberOwnsOnePartitionAndTogetherAll() {
        org.apache.kafka.common.TopicPartition p0 = new org.apache.kafka.common.TopicPartition("t", 0);
        org.apache.kafka.common.TopicPartition p1 = new org.apache.kafka.common.TopicPartition("t", 1);
        assertThat(GroupBench.stable(List.of(java.util.Set.of(p0), java.util.Set.of(p1)), 2))
                .isTrue();
        assertThat(GroupBench.stable(List.of(java.util.Set.of(p0), java.util.Set.of(p0)), 2))
                .isFalse();
        assertThat(GroupBench.stable(List.of(java.util.Set.of(p0, p1), java.util.Set.of()), 2))
                .isFalse();
        assertThat(GroupBench.stable(List.of(java.util.Set.of(p0)), 2)).isFalse();
    }

    @Test
    void parsesBothLatencyFormatsAndTheConsumerLine() {
        RunParser.Run kafkaTool =
                RunParser.parse(List.of("Avg latency: 1.6205 ms", "Percentiles: 50th = 0, 99th = 8, 99.9th = 13"));
        assertThat(kafkaTool.metrics()).isEqualTo(Map.of(Metric.P50_MS, 0.0, Metric.P99_MS, 8.0, Metric.P999_MS, 13.0));

        RunParser.Run ours = RunParser.parse(List.of("e2e: count=300 p50_ms=0.907 p99_ms=11.654 p999_ms=63.482"));
        assertThat(ours.metrics())
                .isEqualTo(Map.of(Metric.P50_MS, 0.907, Metric.P99_MS, 11.654, Metric.P999_MS, 63.482));

        RunParser.Run consume = RunParser.parse(List.of("consume: records=200000 bytes=20000000 elapsed_ms=500.000"));
        assertThat(consume.metrics().get(Metric.RECORDS_PER_S)).isCloseTo(400_000.0, within(EPS));
        assertThat(consume.metrics().get(Metric.MB_PER_S)).isCloseTo(20_000_000 / RunParser.MB / 0.5, within(EPS));

        RunParser.Run produce = RunParser.parse(List.of("produce: records=5000 bytes=500000 elapsed_ms=250.0"));
        assertThat(produce.metrics().get(Metric.RECORDS_PER_S)).isCloseTo(20_000.0, within(EPS));
    }

    @Test
    void aRunWithoutNumbersOrWithAnErrorLineIsAFailure() {
        RunParser.Run nothing = RunParser.parse(List.of("Exception in thread \"main\" boom", "@clk_tck=100"));
        assertThat(nothing.ok()).isFalse();
        assertThat(nothing.error()).isEqualTo("no result in the tool's output");

        RunParser.Run failed = RunParser.parse(List.of(
                "e2e: count=1 p50_ms=1 p99_ms=1 p999_ms=1", "@error=The node does not support FIND_COORDINATOR"));
        assertThat(failed.ok()).isFalse();
        assertThat(failed.metrics()).isEmpty();
        assertThat(failed.error()).isEqualTo("The node does not support FIND_COORDINATOR");
    }

    @Test
    void mediansAndRatiosOfTheSample() throws IOException {
        Report report = Report.fromLines(sample());

        assertThat(report.rows().stream().map(Report.Row::workload).distinct().toList())
                .containsExactly(
                        "startup",
                        "produce-100B-1p-acks1",
                        "e2e-latency-100B",
                        "consume-100B-1p",
                        "create-10000-partitions");

        Report.Row startup = row(report, "startup", Metric.STARTUP_MS);
        assertThat(startup.kafka()).isEqualTo(2462.0);
        assertThat(startup.spool()).isEqualTo(782.0);
        assertThat(startup.ratio()).isCloseTo(782.0 / 2462.0, within(EPS));
        assertThat(row(report, "startup", Metric.IDLE_RSS_MB).kafka()).isCloseTo(387536 / 1024.0, within(EPS));
        assertThat(row(report, "startup", Metric.IDLE_RSS_MB).spool()).isCloseTo(88576 / 1024.0, within(EPS));

        // Kafka: 100k, 80k, 90k -> 90k. Spool: 150k, 120k and a failed round -> mean of the two.
        Report.Row produce = row(report, "produce-100B-1p-acks1", Metric.RECORDS_PER_S);
        assertThat(produce.kafka()).isEqualTo(90_000.0);
        assertThat(produce.spool()).isEqualTo(135_000.0);
        assertThat(produce.ratio()).isCloseTo(1.5, within(EPS));
        assertThat(produce.spoolError()).isNull();
        Report.Row cpu = row(report, "produce-100B-1p-acks1", Metric.BROKER_CPU_S_PER_GB);
        assertThat(cpu.kafka()).isCloseTo(21.0, within(EPS)); // 2.1 s for 0.1 GB
        assertThat(cpu.spool()).isCloseTo(4.5, within(EPS));
        assertThat(cpu.ratio()).isCloseTo(4.5 / 21.0, within(EPS));

        // Kafka's EndToEndLatency in round 1, BenchClient's in round 2: medians of two.
        assertThat(row(report, "e2e-latency-100B", Metric.P99_MS).kafka()).isCloseTo(9.0, within(EPS));
        assertThat(row(report, "e2e-latency-100B", Metric.P999_MS).kafka()).isCloseTo(16.5, within(EPS));
        assertThat(row(report, "e2e-latency-100B", Metric.P50_MS).spool()).isCloseTo(0.9, within(EPS));
        assertThat(report.rows())
                .noneMatch(r -> r.workload().startsWith("e2e") && r.metric() == Metric.BROKER_CPU_S_PER_GB);

        assertThat(row(report, "consume-100B-1p", Metric.RECORDS_PER_S).ratio()).isCloseTo(2.0, within(EPS));
        assertThat(row(report, "consume-100B-1p", Metric.BROKER_CPU_S_PER_GB).spool())
                .isCloseTo(1.0, within(EPS));

        Report.Row create = row(report, "create-10000-partitions", Metric.CREATE_MS);
        assertThat(create.kafka()).isEqualTo(1500.0);
        assertThat(create.spool()).isNull();
        assertThat(create.spoolError()).isEqualTo("too many partitions");
        assertThat(create.ratio()).isNull();
    }

    @Test
    void tableAndCsv() throws IOException {
        Report report = Report.fromLines(sample());
        String table = report.table();
        assertThat(table.lines().toList())
                .startsWith(
                        "| workload | metric | Kafka median | Spool median | ratio (Spool/Kafka) |",
                        "|---|---|---:|---:|---:|")
                .contains(
                        "| startup | startup_ms (ms) | 2,462 | 782 | 0.32 |",
                        "| produce-100B-1p-acks1 | records_per_s (records/s) | 90,000 | 135,000 | 1.50 |",
                        "| produce-100B-1p-acks1 | broker_cpu_s_per_gb (s/GB) | 21.0 | 4.50 | 0.21 |",
                        "| create-10000-partitions | create_ms (ms) | 1,500 | n/a (too many partitions) | n/a |")
                .hasSize(2 + report.rows().size());

        List<String> csv = report.csv().lines().toList();
        assertThat(csv.get(0)).isEqualTo("workload,metric,unit,kafka,spool,ratio");
        assertThat(csv)
                .contains(
                        "startup,startup_ms,ms,2462.000,782.000,0.3176",
                        "produce-100B-1p-acks1,records_per_s,records/s,90000.000,135000.000,1.5000",
                        "e2e-latency-100B,p999_ms,ms,16.500,9.500,0.5758",
                        "create-10000-partitions,create_ms,ms,1500.000,n/a,n/a")
                .hasSize(1 + report.rows().size());
        for (String line : csv) {
            assertThat(line.split(",", -1)).hasSize(6);
        }
    }

    @Test
    void aWorkloadThatFailedOnBothBrokersIsOneNotAvailableRow() {
        Report report = Report.fromLines(List.of(
                "=== workload=consume broker=kafka round=1",
                "@error=timed out",
                "=== workload=consume broker=spool round=1",
                "garbage"));
        assertThat(report.rows()).hasSize(1);
        assertThat(report.table())
                .contains("| consume | - | n/a (timed out) | n/a (no result in the tool's output) | n/a |");
        assertThat(report.csv()).endsWith("consume,n/a,,n/a,n/a,n/a\n");
    }

    @Test
    void mainWritesTheCsvFile(@TempDir Path dir) throws IOException {
        Path results = dir.resolve("results.txt");
        Files.write(results, sample());
        Path csv = dir.resolve("out.csv");
        Report.main(new String[] {results.toString(), "--csv", csv.toString()});
        assertThat(Files.readString(csv)).isEqualTo(Report.fromLines(sample()).csv());
        assertThatThrownBy(() -> Report.main(new String[] {results.toString(), "--xml", "x"}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void percentilePicksTheValueAtFloorOfQTimesN() {
        double[] sorted = new double[1000];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i;
        }
        assertThat(BenchClient.percentile(sorted, 0.5)).isEqualTo(500.0);
        assertThat(BenchClient.percentile(sorted, 0.99)).isEqualTo(990.0);
        assertThat(BenchClient.percentile(sorted, 0.999)).isEqualTo(999.0);
        assertThat(BenchClient.percentile(new double[] {7.0}, 0.999)).isEqualTo(7.0);
    }

    @Test
    void manyPartitionsAreSplitIntoTopicsOfAtMostPerTopic() {
        List<List<NewTopic>> requests = BenchClient.split("many", 2500, 1000);
        assertThat(requests).allSatisfy(r -> assertThat(r).hasSize(1));
        assertThat(requests.stream().map(r -> r.get(0).name()).toList()).containsExactly("many-0", "many-1", "many-2");
        assertThat(requests.stream().map(r -> r.get(0).numPartitions()).toList())
                .containsExactly(1000, 1000, 500);
        assertThat(BenchClient.split("many", 10_000, 1000)).hasSize(10);
        assertThat(BenchClient.split("many", 300, 1000).get(0).get(0).numPartitions())
                .isEqualTo(300);
        assertThatThrownBy(() -> BenchClient.split("many", 0, 1000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void medianIsAnElementOrTheMeanOfTheMiddleTwo(
            @ForAll @Size(min = 1, max = 20) List<@DoubleRange(min = -1e6, max = 1e6) Double> values) {
        double median = Report.median(values);
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        long below = values.stream().filter(v -> v < median).count();
        long above = values.stream().filter(v -> v > median).count();
        assertThat(below).isLessThanOrEqualTo(n / 2);
        assertThat(above).isLessThanOrEqualTo(n / 2);
        if (n % 2 == 1) {
            assertThat(median).isEqualTo(sorted.get(n / 2));
        } else {
            assertThat(median).isCloseTo((sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2, within(1e-6));
        }
    }
}
