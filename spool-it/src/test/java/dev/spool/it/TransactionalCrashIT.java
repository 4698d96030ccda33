package dev.spool.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.server.ServerConfig;
import dev.spool.storage.LogManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7's acceptance for transactions: a consume-transform-produce application (a read_committed
 * consumer in a group, a transactional producer committing its outputs together with the group's input
 * offsets through sendOffsetsToTransaction) processes 100,000 inputs while the broker process is
 * SIGKILLed and restarted on the same port six times. The application recovers as a real one does: a
 * fenced producer is closed and re-created, any other failure aborts the transaction and rewinds the
 * consumer to the committed offsets. Afterwards a read_committed read of the output holds every input
 * exactly once, in input order per partition.
 */
@Tag("slow")
class TransactionalCrashIT {
    static final String INPUT = "txn-crash-in";
    static final String OUTPUT = "txn-crash-out";
    static final String GROUP = "txn-crash-app";
    static final int PARTITIONS = 3;
    static final int RECORDS = 100_000;
    /** Kill the broker once this many inputs are processed and committed, at each threshold. */
    static final int[] KILL_AT = {10_000, 24_000, 38_000, 52_000, 66_000, 80_000};

    @TempDir
    Path dir;

    final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    int startBroker(Path data, int port, String name) throws Exception {
        Map<String, String> props = new HashMap<>();
        props.put(ServerConfig.LISTENERS, "PLAINTEXT://127.0.0.1:" + port);
        props.put(ServerConfig.LOG_SEGMENT_BYTES, String.valueOf(512 * 1024));
        props.put(ServerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS, "0");
        props.put(ServerConfig.OFFSETS_TOPIC_NUM_PARTITIONS, "3");
        props.put(ServerConfig.TRANSACTION_STATE_LOG_NUM_PARTITIONS, "3");
        return ChildBroker.start(data, dir.resolve(name + ".out"), props, processes);
    }

    void restartOnPort(Path data, int port, String name) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                startBroker(data, port, name + "-" + attempt);
                return;
            } catch (org.awaitility.core.TerminalFailureException e) {
                if (attempt == 5) {
                    throw new AssertionError(
                            "broker did not restart:\n"
                                    + ChildProcesses.read(dir.resolve(name + "-" + attempt + ".out")),
                            e);
                }
                await().pollDelay(Duration.ofMillis(500)).until(() -> true);
            }
        }
    }

    @Test
    void everyInputIsProcessedExactlyOnceAcrossSigkills() throws Exception {
        Path data = dir.resolve("data");
        int port = startBroker(data, 0, "broker-0");
        String bootstrap = "127.0.0.1:" + port;
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(ap)) {
            admin.createTopics(List.of(
                            new NewTopic(INPUT, PARTITIONS, (short) 1), new NewTopic(OUTPUT, PARTITIONS, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<String, String> inputs =
                new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                inputs.send(new ProducerRecord<>(INPUT, i % PARTITIONS, null, "in-" + i));
            }
            inputs.flush();
        }

        App app = new App(bootstrap);
        Thread loop = new Thread(app::run, "ctp-app");
        loop.start();
        try {
            for (int k = 0; k < KILL_AT.length; k++) {
                int threshold = KILL_AT[k];
                await().atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(20))
                        .failFast("application failed", () -> app.died.get() != null)
                        .until(() -> app.committed.get() >= threshold);
                Process victim = processes.get(processes.size() - 1);
                victim.destroyForcibly(); // SIGKILL, with a transaction in flight
                assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(data.resolve(LogManager.CLEAN_SHUTDOWN_FILE)).doesNotExist();
                restartOnPort(data, port, "broker-" + (k + 1));
            }
            loop.join(TimeUnit.MINUTES.toMillis(2));
            assertThat(loop.isAlive()).as("application finished").isFalse();
        } finally {
            app.stop.set(true);
            loop.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(app.died.get()).isNull();
        assertThat(app.committed.get()).isEqualTo(RECORDS);

        Map<Integer, List<Integer>> out = readCommittedOutput(bootstrap);
        System.out.printf(
                Locale.ROOT,
                "transactional crash: %d inputs across %d SIGKILLs, %d transactions committed, %d recoveries, "
                        + "%d producers%n",
                RECORDS,
                KILL_AT.length,
                app.commits.get(),
                app.recoveries.get(),
                app.producers.get());
        for (int p = 0; p < PARTITIONS; p++) {
            List<Integer> expected = new ArrayList<>();
            for (int i = p; i < RECORDS; i += PARTITIONS) {
                expected.add(i);
            }
            assertThat(out.get(p))
                    .as("output partition %d: every input once, in order, nothing aborted", p)
                    .isEqualTo(expected);
        }
    }

    /** The consume-transform-produce application; runs on its own thread until every input is committed. */
    static final class App {
        final String bootstrap;
        final AtomicLong committed = new AtomicLong();
        final AtomicInteger commits = new AtomicInteger();
        final AtomicInteger recoveries = new AtomicInteger();
        final AtomicInteger producers = new AtomicInteger();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<Throwable> died = new AtomicReference<>();
        final Map<TopicPartition, Long> positions = new HashMap<>();

        App(String bootstrap) {
            this.bootstrap = bootstrap;
        }

        KafkaProducer<String, String> newProducer() {
            Properties pp = new Properties();
            pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            pp.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, GROUP + "-producer");
            pp.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "30000");
            pp.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
            pp.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
            pp.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
            pp.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
            pp.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            KafkaProducer<String, String> p = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer());
            producers.incrementAndGet();
            while (true) {
                try {
                    p.initTransactions(); // fences an older instance and ends its transaction
                    return p;
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    // the broker is down: initTransactions may be retried
                }
            }
        }

        void run() {
            Properties cp = new Properties();
            cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            cp.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
            cp.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
            cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1500");
            cp.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
            cp.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
            cp.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
            KafkaProducer<String, String> producer = null;
            try (KafkaConsumer<String, String> consumer =
                    new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(INPUT));
                producer = newProducer();
                boolean rewind = false;
                while (!stop.get() && committed.get() < RECORDS) {
                    try {
                        if (rewind) {
                            rewindToCommitted(consumer);
                            rewind = false;
                        }
                        ConsumerRecords<String, String> polled = consumer.poll(Duration.ofMillis(100));
                        if (polled.isEmpty()) {
                            continue;
                        }
                        producer.beginTransaction();
                        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
                        for (ConsumerRecord<String, String> r : polled) {
                            producer.send(new ProducerRecord<>(
                                    OUTPUT, r.partition(), null, r.value().replace("in-", "out-")));
                            next.put(
                                    new TopicPartition(r.topic(), r.partition()),
                                    new OffsetAndMetadata(r.offset() + 1));
                        }
                        producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
                        producer.commitTransaction();
                        commits.incrementAndGet();
                        next.forEach((tp, o) -> positions.put(tp, o.offset()));
                        publishProgress();
                    } catch (ProducerFencedException | InvalidProducerEpochException e) {
                        recoveries.incrementAndGet();
                        producer.close(Duration.ZERO);
                        producer = newProducer();
                        rewind = true;
                    } catch (KafkaException e) {
                        recoveries.incrementAndGet();
                        try {
                            producer.abortTransaction();
                        } catch (KafkaException abortFailed) {
                            // e.g. a commit that timed out cannot be aborted: a new instance settles it
                            producer.close(Duration.ZERO);
                            producer = newProducer();
                        }
                        rewind = true;
                    }
                }
            } catch (RuntimeException t) {
                died.set(t);
            } finally {
                if (producer != null) {
                    producer.close(Duration.ofSeconds(5));
                }
            }
        }

        /** Seeks every assigned partition to the group's committed offset (or the beginning). */
        void rewindToCommitted(KafkaConsumer<String, String> consumer) {
            Set<TopicPartition> assigned = new HashSet<>(consumer.assignment());
            Map<TopicPartition, OffsetAndMetadata> offsets = consumer.committed(assigned);
            for (TopicPartition tp : assigned) {
                OffsetAndMetadata o = offsets.get(tp);
                if (o == null) {
                    consumer.seekToBeginning(List.of(tp));
                } else {
                    consumer.seek(tp, o.offset());
                    positions.put(tp, o.offset());
                }
            }
            publishProgress();
        }

        void publishProgress() {
            committed.set(positions.values().stream().mapToLong(Long::longValue).sum());
        }
    }

    /** The output's record indexes per partition, read read_committed from the beginning. */
    static Map<Integer, List<Integer>> readCommittedOutput(String bootstrap) {
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        Map<Integer, List<Integer>> out = new HashMap<>();
        try (KafkaConsumer<String, String> c =
                new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                tps.add(new TopicPartition(OUTPUT, p));
                out.put(p, new ArrayList<>());
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps); // the last stable offsets
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    out.get(r.partition()).add(Integer.parseInt(r.value().substring(4)));
                }
                return tps.stream().allMatch(tp -> c.position(tp) >= end.get(tp));
            });
        }
        return out;
    }
}
