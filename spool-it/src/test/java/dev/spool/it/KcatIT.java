package dev.spool.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spool.protocol.record.RecordBatch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * librdkafka through kcat (skipped when kcat is not on PATH; CI installs it): metadata listing, and
 * keyed messages with headers under each codec, produced and consumed back exactly.
 */
class KcatIT {
    static final int MESSAGES = 50;

    @TempDir
    static Path dir;

    static EmbeddedBroker broker;
    static Path kcat;

    @BeforeAll
    static void start() throws Exception {
        kcat = ChildProcesses.onPath("kcat").orElse(null);
        assumeTrue(kcat != null, "kcat is not on PATH (apt-get install -y kcat); skipping the librdkafka checks");
        broker = EmbeddedBroker.start(dir.resolve("data"), Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    /** Runs kcat with {@code stdin} as input; returns stdout, failing on a non-zero exit. */
    static String kcat(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(kcat.toString());
        cmd.add("-b");
        cmd.add(broker.bootstrap());
        cmd.addAll(List.of(args));
        Path in = Files.createTempFile(dir, "kcat", ".in");
        Path out = Files.createTempFile(dir, "kcat", ".out");
        Path err = Files.createTempFile(dir, "kcat", ".err");
        Files.writeString(in, stdin, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(cmd)
                .redirectInput(in.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor();
        }
        String stderr = ChildProcesses.read(err);
        assertThat(exited).as("kcat %s finished; stderr:%n%s", cmd, stderr).isTrue();
        assertThat(p.exitValue())
                .as("kcat %s exit code; stderr:%n%s", cmd, stderr)
                .isZero();
        return ChildProcesses.read(out);
    }

    @Test
    void listsMetadata() throws Exception {
        createTopic("kcat-meta", 3);
        String out = kcat("", "-L");
        assertThat(out)
                .contains("1 brokers:")
                .contains("broker 1 at " + broker.bootstrap())
                .contains("topic \"kcat-meta\" with 3 partitions:")
                .contains("partition 2, leader 1, replicas: 1, isrs: 1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"none,0,false", "gzip,1,true", "snappy,2,true", "lz4,3,false", "zstd,4,true"})
    void producesAndConsumesKeyedMessagesWithHeaders(String codec, int codecId, boolean mustCompress) throws Exception {
        String topic = "kcat-" + codec;
        createTopic(topic, 1);
        StringBuilder in = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            String value = "value " + i + " " + "z".repeat(100 + i);
            in.append("key-").append(i).append(':').append(value).append('\n');
            expected.add("key-" + i + "|" + value + "|src=kcat,codec=" + codec);
        }
        kcat(in.toString(), "-P", "-t", topic, "-K:", "-H", "src=kcat", "-H", "codec=" + codec, "-z", codec);

        String out = kcat("", "-C", "-t", topic, "-o", "beginning", "-e", "-f", "%k|%s|%h\\n");
        assertThat(out.lines()).containsExactlyElementsOf(expected);

        // The batches are stored as kcat sent them: compressed with the codec asked for.
        try (KafkaWire w = KafkaWire.connect(broker.port())) {
            FetchResponseData r =
                    w.call(ApiKeys.FETCH, RawRequests.FETCH_VERSION, RawRequests.fetch(topic, 0, 0, 1 << 20));
            FetchResponseData.PartitionData p =
                    r.responses().get(0).partitions().get(0);
            assertThat(Errors.forCode(p.errorCode())).isEqualTo(Errors.NONE);
            ByteBuffer records = ((MemoryRecords) p.records()).buffer();
            assertThat(records.remaining()).isPositive();
            List<Integer> codecs = new ArrayList<>();
            for (int pos = records.position(); pos < records.limit(); pos += RecordBatch.sizeInBytes(records, pos)) {
                codecs.add(RecordBatch.compressionCodec(records, pos));
            }
            // librdkafka sends a batch uncompressed when compressing would not make it smaller. Up to
            // 2.11.0 it also gates lz4 on FindCoordinator v0 (served since consumer groups exist).
            assertThat(codecs).isSubsetOf(0, codecId);
            if (mustCompress) {
                assertThat(codecs).contains(codecId);
            }
        }
    }

    /**
     * librdkafka's balanced consumer ({@code kcat -G}, the classic group protocol): reads everything,
     * commits on exit, and a second run of the same group resumes after the committed offsets.
     */
    @Test
    void balancedConsumerGroupCommitsAndResumes() throws Exception {
        String topic = "kcat-group";
        createTopic(topic, 3);
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            first.append(i % 3).append(":first-").append(i).append('\n');
        }
        kcat(first.toString(), "-P", "-t", topic, "-K:");
        String out = kcat(
                "", "-G", "kcat-g", topic, "-o", "beginning", "-e", "-f", "%s\\n", "-X", "auto.offset.reset=earliest");
        assertThat(out.lines().filter(l -> l.startsWith("first-")).sorted().toList())
                .hasSize(30)
                .doesNotHaveDuplicates();

        StringBuilder second = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            second.append(i % 3).append(":second-").append(i).append('\n');
        }
        kcat(second.toString(), "-P", "-t", topic, "-K:");
        String resumed = kcat("", "-G", "kcat-g", topic, "-e", "-f", "%s\\n");
        assertThat(resumed.lines().filter(l -> !l.isBlank()).toList())
                .hasSize(9)
                .allMatch(l -> l.startsWith("second-"));
    }

    static void createTopic(String name, int partitions) throws Exception {
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        try (Admin admin = Admin.create(ap)) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }
}
