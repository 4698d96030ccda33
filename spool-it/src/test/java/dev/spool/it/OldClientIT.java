package dev.spool.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An old client, kafka-clients 2.8.2 (spool-compat-client28, shaded), in a child JVM: admin create,
 * produce with acks=1 under every codec, consume back with assign + seek.
 */
class OldClientIT {
    static final int RECORDS_PER_CODEC = 200;
    static final int CODECS = 5;

    @TempDir
    Path dir;

    static Path jar() {
        String configured = System.getProperty("spool.client28.jar");
        return Path.of(configured != null ? configured : "../spool-compat-client28/target/client28.jar");
    }

    @Test
    void kafkaClients28ProducesAndConsumesUnderEveryCodec() throws Exception {
        Path jar = jar();
        assertThat(jar).as("built by the spool-compat-client28 module").isRegularFile();
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir.resolve("data"), Map.of())) {
            Path log = dir.resolve("client28.out");
            Process p = ChildProcesses.start(
                    List.of(
                            ChildProcesses.java(),
                            "-Xmx256m",
                            "-jar",
                            jar.toString(),
                            broker.bootstrap(),
                            String.valueOf(RECORDS_PER_CODEC)),
                    log);
            boolean exited = p.waitFor(120, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly().waitFor();
            }
            String out = ChildProcesses.read(log);
            assertThat(exited).as("client28 finished; output:%n%s", out).isTrue();
            assertThat(p.exitValue()).as("exit code; output:%n%s", out).isZero();
            assertThat(out).contains("OK " + (RECORDS_PER_CODEC * CODECS));

            // What the old client wrote reads back the same with today's client.
            assertThat(readValues(broker, "compat28-zstd"))
                    .hasSize(RECORDS_PER_CODEC)
                    .allSatisfy(v -> assertThat(v).startsWith("zstd-value-"));
        }
    }

    static List<String> readValues(EmbeddedBroker broker, String topic) {
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> c =
                new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    assertThat(r.offset()).isEqualTo(values.size());
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
