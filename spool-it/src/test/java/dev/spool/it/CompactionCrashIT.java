package dev.spool.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.server.ServerConfig;
import dev.spool.storage.LogCleaner;
import dev.spool.storage.LogManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of a broker process while its cleaner compacts a topic, at random moments over several
 * rounds: after every restart the log loads, offsets only increase, and the key → last value map read
 * from the beginning equals the one of every acknowledged write.
 */
@Tag("slow")
class CompactionCrashIT {
    static final String TOPIC = "table";
    static final int KEYS = 300;
    static final int ROUNDS = 10;
    static final int UPDATES_PER_ROUND = 15_000;

    @TempDir
    Path dir;

    final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private int start(Path data, int round) throws Exception {
        return ChildBroker.start(
                data,
                dir.resolve("round-" + round + ".out"),
                Map.of(ServerConfig.LOG_CLEANER_BACKOFF_MS, "20"),
                processes);
    }

    @Test
    void theTableSurvivesSigkillDuringCleaning() throws Exception {
        Path data = dir.resolve("data");
        Random random = new Random(17);
        Map<String, String> acknowledged = new HashMap<>();
        int port = start(data, 0);
        CompactedTopic.create(
                "127.0.0.1:" + port,
                TOPIC,
                Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, "compact",
                        TopicConfig.SEGMENT_BYTES_CONFIG, "65536",
                        TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.01"));
        int killedWhileCleaning = 0;
        for (int round = 0; round < ROUNDS; round++) {
            String bootstrap = "127.0.0.1:" + port;
            if (round > 0) {
                assertThat(CompactedTopic.readTable(bootstrap, TOPIC))
                        .as("after the restart before round %d", round)
                        .isEqualTo(acknowledged);
            }
            try (KafkaProducer<String, String> producer = CompactedTopic.producer(bootstrap)) {
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                Map<String, String> roundWrites = new HashMap<>();
                for (int i = 0; i < UPDATES_PER_ROUND; i++) {
                    String key = "key-" + random.nextInt(KEYS);
                    String value = random.nextInt(50) == 0 ? null : "r" + round + "-" + i + "-" + "v".repeat(60);
                    sent.add(producer.send(new ProducerRecord<>(TOPIC, 0, key, value)));
                    roundWrites.put(key, value == null ? CompactedTopic.TOMBSTONE : value);
                }
                producer.flush();
                for (Future<RecordMetadata> f : sent) {
                    f.get(30, TimeUnit.SECONDS); // every write of the round is acknowledged
                }
                acknowledged.putAll(roundWrites);
            }
            // The cleaner (backoff 20 ms) is now compacting the round's ~1.5 MB; kill at a random moment.
            Duration pause = Duration.ofMillis(1 + random.nextInt(200));
            await().pollDelay(pause).atMost(pause.plusSeconds(5)).until(() -> true);
            if (cleaningFilesPresent(data)) {
                killedWhileCleaning++;
            }
            Process broker = processes.get(processes.size() - 1);
            broker.destroyForcibly();
            assertThat(broker.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(data.resolve(LogManager.CLEAN_SHUTDOWN_FILE)).doesNotExist();
            port = start(data, round + 1);
        }
        assertThat(CompactedTopic.readTable("127.0.0.1:" + port, TOPIC)).isEqualTo(acknowledged);
        assertThat(data.resolve(LogCleaner.CHECKPOINT_FILE)).exists();
        System.out.printf(
                Locale.ROOT,
                "compaction crash: %d rounds, %d kills with .cleaned/.swap files present, %d keys%n",
                ROUNDS,
                killedWhileCleaning,
                acknowledged.size());
    }

    /** True if a cleaned or swap segment file is there now (the cleaner is mid-pass). */
    private static boolean cleaningFilesPresent(Path data) throws Exception {
        Path partition = data.resolve(TOPIC + "-0");
        try (var files = Files.list(partition)) {
            return files.map(f -> f.getFileName().toString())
                    .anyMatch(n -> n.endsWith(".cleaned") || n.endsWith(".swap"));
        }
    }
}
