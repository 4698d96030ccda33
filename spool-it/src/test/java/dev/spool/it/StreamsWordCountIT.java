package dev.spool.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7's Kafka Streams acceptance: a word-count application with
 * {@code processing.guarantee=exactly_once_v2} (transactional producers, a repartition topic, a
 * compacted changelog, sendOffsetsToTransaction, read_committed) run against Spool gives exact counts,
 * also when the application is closed midway and restarted with an empty state directory, so that its
 * counts are restored from the changelog. The application (spool-compat-streams, kafka-streams 4.3.1 on
 * its own kafka-clients 4.3.1) runs in a child JVM; SIGTERM closes it cleanly.
 */
class StreamsWordCountIT {
    static final String INPUT = "lines";
    static final String OUTPUT = "word-counts";
    static final int PARTITIONS = 2;
    static final String[] VOCABULARY = {
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett",
        "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango"
    };

    @TempDir
    Path dir;

    EmbeddedBroker broker;
    final List<Process> apps = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedBroker.start(
                dir.resolve("data"),
                Map.of(
                        ServerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS, "0",
                        ServerConfig.OFFSETS_TOPIC_NUM_PARTITIONS, "3",
                        ServerConfig.TRANSACTION_STATE_LOG_NUM_PARTITIONS, "3"));
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        try (Admin admin = Admin.create(ap)) {
            admin.createTopics(List.of(
                            new NewTopic(INPUT, PARTITIONS, (short) 1), new NewTopic(OUTPUT, PARTITIONS, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (Process p : apps) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        if (broker != null) {
            broker.close();
        }
    }

    static Path streamsJar() {
        String configured = System.getProperty("spool.streams.jar");
        return Path.of(configured != null ? configured : "../spool-compat-streams/target/streams.jar");
    }

    /** Starts the word count in a child JVM with {@code stateDir} as its state directory. */
    Process startApp(String stateDir) throws Exception {
        Path jar = streamsJar();
        assertThat(jar).as("built by the spool-compat-streams module").isRegularFile();
        Process p = ChildProcesses.start(
                List.of(
                        ChildProcesses.java(),
                        "-Xmx256m",
                        "-jar",
                        jar.toString(),
                        broker.bootstrap(),
                        "word-count",
                        dir.resolve(stateDir).toString(),
                        INPUT,
                        OUTPUT),
                dir.resolve(stateDir + ".out"));
        apps.add(p);
        return p;
    }

    /** SIGTERM: the application closes cleanly (its shutdown hook) and exits. */
    void closeApp(Process p, String stateDir) throws Exception {
        p.destroy();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ChildProcesses.read(dir.resolve(stateDir + ".out"))).contains("CLOSED");
    }

    /** Sends {@code lines} random lines; adds each word to {@code truth}. */
    void produceLines(Random random, int lines, Map<String, Long> truth) {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < lines; i++) {
                StringBuilder line = new StringBuilder();
                int words = 1 + random.nextInt(8);
                for (int w = 0; w < words; w++) {
                    String word = VOCABULARY[random.nextInt(VOCABULARY.length)];
                    truth.merge(word, 1L, Long::sum);
                    line.append(w == 0 ? "" : " ").append(word);
                }
                producer.send(new ProducerRecord<>(INPUT, "line-" + i, line.toString()));
            }
            producer.flush();
        }
    }

    /** Reads the output read_committed until the latest count of every word equals {@code truth}. */
    void awaitCounts(Map<String, Long> truth) {
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Map<String, Long> latest = new HashMap<>();
        try (KafkaConsumer<String, Long> c =
                new KafkaConsumer<>(cp, new StringDeserializer(), new LongDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                tps.add(new TopicPartition(OUTPUT, p));
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ZERO).until(() -> {
                for (ConsumerRecord<String, Long> r : c.poll(Duration.ofMillis(200))) {
                    Long before = latest.put(r.key(), r.value());
                    // counts only grow: a count seen twice or going back would be a duplicate or a
                    // read of aborted data
                    assertThat(r.value())
                            .as("count of %s", r.key())
                            .isGreaterThan(before == null ? 0 : before)
                            .isLessThanOrEqualTo(truth.get(r.key()));
                }
                return latest.equals(truth);
            });
        }
        System.out.printf(Locale.ROOT, "streams word count: %d words, exact counts%n", truth.size());
    }

    @Test
    void exactlyOnceV2WordCountGivesExactCounts() throws Exception {
        Map<String, Long> truth = new HashMap<>();
        produceLines(new Random(7), 3000, truth);
        startApp("state");
        awaitCounts(truth);
    }

    @Test
    void countsStayExactWhenTheAppRestartsAndRestoresFromTheChangelog() throws Exception {
        Random random = new Random(11);
        Map<String, Long> truth = new HashMap<>();
        produceLines(random, 1500, truth);
        Process first = startApp("state-1");
        awaitCounts(truth);
        closeApp(first, "state-1");
        // a new state directory: the second run has no local store and restores it from the changelog
        produceLines(random, 1500, truth);
        startApp("state-2");
        awaitCounts(truth);
    }
}
