package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spool server} as a real child process: ready line, a produce, SIGTERM, clean exit. */
@Tag("slow")
class ServerProcessTest {
    private static final Pattern READY = Pattern.compile(
            "Spool started: listening on 127\\.0\\.0\\.1:(\\d+) \\(node 1, cluster [A-Za-z0-9_-]{22}, data (.+)\\)");

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (Process p : started) {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private Process spool(String... args) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                classpath,
                Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        started.add(p);
        return p;
    }

    /** Reads a stream line by line on a daemon thread into a queue (so the child never blocks on a full pipe). */
    private static BlockingQueue<String> lines(InputStream in) {
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    q.add(line);
                }
            } catch (IOException ignored) {
                // the process went away
            }
        });
        t.setDaemon(true);
        t.start();
        return q;
    }

    @Test
    void startsServesAndStopsCleanlyOnSigterm() throws Exception {
        Path logDir = dir.resolve("data");
        Process p = spool(
                "server",
                "--override",
                "listeners=PLAINTEXT://127.0.0.1:0",
                "--override",
                "log.dirs=" + logDir,
                "--override",
                "no.such.key=1");
        BlockingQueue<String> out = lines(p.getInputStream());
        BlockingQueue<String> err = lines(p.getErrorStream());
        String ready = out.poll(120, TimeUnit.SECONDS);
        assertThat(ready).as("ready line; stderr: %s", err).isNotNull();
        Matcher m = READY.matcher(ready);
        assertThat(m.matches()).as(ready).isTrue();
        assertThat(m.group(2)).isEqualTo(logDir.toString());
        int port = Integer.parseInt(m.group(1));
        assertThat(port).isPositive();

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        "127.0.0.1:" + port,
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        "false"),
                new StringSerializer(),
                new StringSerializer())) {
            RecordMetadata md =
                    producer.send(new ProducerRecord<>("proc", "k", "v")).get(60, TimeUnit.SECONDS);
            assertThat(md.offset()).isZero();
        }
        assertThat(logDir.resolve(".kafka_cleanshutdown")).doesNotExist();

        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("exit code; stderr: %s", err).isZero();
        assertThat(logDir.resolve(".kafka_cleanshutdown")).exists();
        assertThat(logDir.resolve("proc-0").resolve("00000000000000000000.log")).exists();
        assertThat(Files.size(logDir.resolve("proc-0").resolve("00000000000000000000.log")))
                .isPositive();
        assertThat(String.join("\n", err)).contains("no.such.key");
        assertThat(out).isEmpty(); // exactly one line on stdout
    }

    @Test
    void badValueExitsNonZeroNamingKeyAndValue() throws Exception {
        Process p = spool(
                "server",
                "--override",
                "listeners=PLAINTEXT://127.0.0.1:0",
                "--override",
                "log.dirs=" + dir.resolve("data"),
                "--override",
                "num.partitions=zero");
        BlockingQueue<String> out = lines(p.getInputStream());
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isNotZero();
        assertThat(stderr).contains("num.partitions").contains("zero");
        assertThat(out.poll(5, TimeUnit.SECONDS)).isNull();
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void missingConfigFileIsOneErrorLineAndExitOne() throws Exception {
        Path missing = dir.resolve("nope.properties");
        Process p = spool("server", "--config", missing.toString(), "--override", "log.dirs=" + dir.resolve("data"));
        BlockingQueue<String> out = lines(p.getInputStream());
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(stderr).startsWith("Error: ").contains(missing.toString()).doesNotContain("\tat ");
        assertThat(out.poll(5, TimeUnit.SECONDS)).isNull();
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void helpStillComesFromPicocli() throws Exception {
        Process p = spool("server", "--help");
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(stdout).contains("Usage: spool server").contains("--override=KEY=VALUE");
    }
}
