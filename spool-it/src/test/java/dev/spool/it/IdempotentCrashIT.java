package dev.spool.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.server.ServerConfig;
import dev.spool.storage.LogManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7's acceptance for idempotence: a producer with kafka-clients' default settings (idempotent,
 * acks=all) sends 100,000 records while the broker process is SIGKILLed and restarted on the same
 * port several times; the producer keeps retrying. Afterwards every record is stored exactly once,
 * in send order per partition, and every acknowledgement names the offset it is stored at.
 */
@Tag("slow")
class IdempotentCrashIT {
    static final String TOPIC = "idem-crash";
    static final int PARTITIONS = 3;
    static final int RECORDS = 100_000;
    /** Kill the broker once this many records are acknowledged, at each threshold. */
    static final int[] KILL_AT = {8_000, 20_000, 32_000, 44_000, 56_000, 68_000, 80_000};

    @TempDir
    Path dir;

    final List<Process> processes = new ArrayList<>();

    record Acked(int partition, long offset, int index) {}

    @AfterEach
    void killLeftovers() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Starts a broker JVM on {@code data} listening on {@code port} (0: any); returns the bound port. */
    int startBroker(Path data, int port, String name) throws Exception {
        Map<String, String> props = new HashMap<>();
        props.put(ServerConfig.LISTENERS, "PLAINTEXT://127.0.0.1:" + port);
        props.put(ServerConfig.LOG_SEGMENT_BYTES, String.valueOf(256 * 1024)); // several rolls: snapshots
        // An fsync between the append and the answer: a kill then often leaves a batch written but not
        // acknowledged, whose retry after the restart must be recognised as a duplicate.
        props.put(ServerConfig.LOG_FLUSH_INTERVAL_MESSAGES, "1");
        return ChildBroker.start(data, dir.resolve(name + ".out"), props, processes);
    }

    /** Restarts on the same port; retries if the port is not free yet right after the kill. */
    void restartOnPort(Path data, int port, String name) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                startBroker(data, port, name + "-" + attempt);
                return;
            } catch (org.awaitility.core.TerminalFailureException e) {
                if (attempt == 5) {
                    throw e;
                }
                await().pollDelay(Duration.ofMillis(500)).until(() -> true);
            }
        }
    }

    @Test
    void everyRecordIsStoredExactlyOnceInOrderAcrossSigkills() throws Exception {
        Path data = dir.resolve("data");
        int port = startBroker(data, 0, "broker-0");
        String bootstrap = "127.0.0.1:" + port;
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(ap)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }

        ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Exception> failures = new ConcurrentLinkedQueue<>();
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        // Defaults otherwise: enable.idempotence=true, acks=all, max.in.flight=5, retries=MAX.
        pp.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600000");
        pp.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        pp.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "600000");
        pp.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        pp.put(ProducerConfig.BATCH_SIZE_CONFIG, "4096"); // many batches in flight
        AtomicReference<Throwable> senderDied = new AtomicReference<>();
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            Thread sender = new Thread(
                    () -> {
                        try {
                            for (int i = 0; i < RECORDS; i++) {
                                int index = i;
                                producer.send(
                                        new ProducerRecord<>(TOPIC, i % PARTITIONS, null, "v" + i),
                                        (RecordMetadata m, Exception e) -> {
                                            if (e == null) {
                                                acked.add(new Acked(m.partition(), m.offset(), index));
                                            } else {
                                                failures.add(e);
                                            }
                                        });
                            }
                            producer.flush();
                        } catch (RuntimeException e) {
                            senderDied.set(e);
                        }
                    },
                    "idempotent-sender");
            sender.start();
            for (int k = 0; k < KILL_AT.length; k++) {
                int threshold = KILL_AT[k];
                await().atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofMillis(20))
                        .failFast("sender failed", () -> senderDied.get() != null || !failures.isEmpty())
                        .until(() -> acked.size() >= threshold);
                Process victim = processes.get(processes.size() - 1);
                victim.destroyForcibly(); // SIGKILL, with requests in flight
                assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(data.resolve(LogManager.CLEAN_SHUTDOWN_FILE)).doesNotExist();
                restartOnPort(data, port, "broker-" + (k + 1));
            }
            sender.join(TimeUnit.MINUTES.toMillis(5));
            assertThat(sender.isAlive()).as("sender finished").isFalse();
        }
        assertThat(senderDied.get()).isNull();
        assertThat(failures).isEmpty();
        assertThat(acked).hasSize(RECORDS);

        Map<Integer, List<Integer>> stored = readAll(bootstrap);
        int total = stored.values().stream().mapToInt(List::size).sum();
        System.out.printf(
                Locale.ROOT,
                "idempotent crash: %d records acknowledged across %d SIGKILLs, %d stored%n",
                acked.size(),
                KILL_AT.length,
                total);
        for (int p = 0; p < PARTITIONS; p++) {
            List<Integer> expected = new ArrayList<>();
            for (int i = p; i < RECORDS; i += PARTITIONS) {
                expected.add(i);
            }
            assertThat(stored.get(p))
                    .as("partition %d: every record once, in order", p)
                    .isEqualTo(expected);
        }
        for (Acked a : acked) {
            assertThat(stored.get(a.partition()).get((int) a.offset()))
                    .as("acknowledged offset %d of partition %d", a.offset(), a.partition())
                    .isEqualTo(a.index());
        }
    }

    /** Record indexes per partition in offset order; checks offsets are dense from 0. */
    static Map<Integer, List<Integer>> readAll(String bootstrap) {
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        Map<Integer, List<Integer>> out = new HashMap<>();
        try (KafkaConsumer<String, String> c =
                new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                tps.add(new TopicPartition(TOPIC, p));
                out.put(p, new ArrayList<>());
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            long total = c.endOffsets(tps).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            long read = 0;
            while (read < total && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    List<Integer> part = out.get(r.partition());
                    assertThat(r.offset()).isEqualTo(part.size());
                    part.add(Integer.parseInt(r.value().substring(1)));
                    read++;
                }
            }
            assertThat(read).isEqualTo(total);
        }
        return out;
    }
}
