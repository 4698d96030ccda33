package dev.spool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kafka-clients' transactional producer and Admin's transaction APIs against a real broker: commit,
 * abort, fencing by a new instance, the coordinator's state across a restart, and the abort of a
 * transaction that outlives its timeout, transactional offsets, and what read_committed and
 * read_uncommitted consumers see.
 */
class TransactionsTest {
    static final String TOPIC = "tx-out";

    @TempDir
    Path dir;

    EmbeddedSpool broker;
    Admin admin;

    @BeforeEach
    void start() throws Exception {
        startBroker();
        admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    void startBroker() throws Exception {
        broker = EmbeddedSpool.start(
                dir,
                Map.of(
                        ServerConfig.TRANSACTION_ABORT_TIMED_OUT_CLEANUP_INTERVAL_MS,
                        "200",
                        ServerConfig.OFFSETS_TOPIC_NUM_PARTITIONS,
                        "1"));
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        admin = Admin.create(ap);
    }

    @AfterEach
    void stop() throws Exception {
        admin.close();
        broker.close();
    }

    KafkaProducer<String, String> producer(String txnId, int timeoutMs) {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        pp.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txnId);
        pp.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, String.valueOf(timeoutMs));
        pp.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        return new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer());
    }

    TransactionDescription describe(String txnId) throws Exception {
        return admin.describeTransactions(List.of(txnId)).description(txnId).get(30, TimeUnit.SECONDS);
    }

    @Test
    void commitAndAbortMoveTheCoordinatorThroughKafkasStates() throws Exception {
        try (KafkaProducer<String, String> p = producer("app-1", 60_000)) {
            p.initTransactions();
            TransactionDescription d = describe("app-1");
            assertThat(d.state()).isEqualTo(TransactionState.EMPTY);
            long pid = d.producerId();

            p.beginTransaction();
            p.send(new ProducerRecord<>(TOPIC, 0, "k", "committed")).get(30, TimeUnit.SECONDS);
            p.send(new ProducerRecord<>(TOPIC, 1, "k", "committed")).get(30, TimeUnit.SECONDS);
            d = describe("app-1");
            assertThat(d.state()).isEqualTo(TransactionState.ONGOING);
            assertThat(d.topicPartitions())
                    .containsExactlyInAnyOrder(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));
            assertThat(d.transactionStartTimeMs()).isPresent();
            p.commitTransaction();
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> assertThat(describe("app-1").state()).isEqualTo(TransactionState.COMPLETE_COMMIT));

            p.beginTransaction();
            p.send(new ProducerRecord<>(TOPIC, 0, "k", "aborted")).get(30, TimeUnit.SECONDS);
            p.abortTransaction();
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> assertThat(describe("app-1").state()).isEqualTo(TransactionState.COMPLETE_ABORT));
            assertThat(describe("app-1").producerId()).isEqualTo(pid);

            Collection<TransactionListing> listed =
                    admin.listTransactions().all().get(30, TimeUnit.SECONDS);
            assertThat(listed).extracting(TransactionListing::transactionalId).contains("app-1");
            Collection<TransactionListing> ongoing = admin.listTransactions(
                            new ListTransactionsOptions().filterStates(List.of(TransactionState.ONGOING)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            assertThat(ongoing).isEmpty();
        }
        assertThatThrownBy(() -> describe("never-used"))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TransactionalIdNotFoundException.class);
    }

    @Test
    void aNewInstanceFencesTheOldOneAndAbortsItsTransaction() throws Exception {
        KafkaProducer<String, String> old = producer("app-2", 60_000);
        try {
            old.initTransactions();
            old.beginTransaction();
            old.send(new ProducerRecord<>(TOPIC, 0, "k", "zombie")).get(30, TimeUnit.SECONDS);
            int oldEpoch = describe("app-2").producerEpoch();
            try (KafkaProducer<String, String> fresh = producer("app-2", 60_000)) {
                // the open transaction is aborted (CONCURRENT_TRANSACTIONS, the client retries), then the
                // retry bumps the epoch a second time and leaves the id Empty
                fresh.initTransactions();
                TransactionDescription d = describe("app-2");
                assertThat(d.state()).isEqualTo(TransactionState.EMPTY);
                assertThat(d.producerEpoch()).isEqualTo(oldEpoch + 2);
                assertThatThrownBy(old::commitTransaction).isInstanceOf(ProducerFencedException.class);
                fresh.beginTransaction();
                fresh.send(new ProducerRecord<>(TOPIC, 0, "k", "v")).get(30, TimeUnit.SECONDS);
                fresh.commitTransaction();
            }
        } finally {
            old.close(Duration.ZERO);
        }
    }

    @Test
    void theCoordinatorStateSurvivesARestart() throws Exception {
        try (KafkaProducer<String, String> p = producer("app-3", 60_000)) {
            p.initTransactions();
            p.beginTransaction();
            p.send(new ProducerRecord<>(TOPIC, 1, "k", "v")).get(30, TimeUnit.SECONDS);
            p.commitTransaction();
        }
        TransactionDescription before = describe("app-3");
        stop();
        startBroker();
        TransactionDescription after = describe("app-3");
        assertThat(after.state()).isEqualTo(TransactionState.COMPLETE_COMMIT);
        assertThat(after.producerId()).isEqualTo(before.producerId());
        assertThat(after.producerEpoch()).isEqualTo(before.producerEpoch());
        try (KafkaProducer<String, String> p = producer("app-3", 60_000)) {
            p.initTransactions();
            assertThat(describe("app-3").producerEpoch()).isEqualTo(before.producerEpoch() + 1);
        }
    }

    @Test
    void aTransactionThatOutlivesItsTimeoutIsAborted() throws Exception {
        try (KafkaProducer<String, String> p = producer("app-4", 1_000)) {
            p.initTransactions();
            int epoch = describe("app-4").producerEpoch();
            p.beginTransaction();
            p.send(new ProducerRecord<>(TOPIC, 0, "k", "late")).get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> assertThat(describe("app-4").state()).isEqualTo(TransactionState.COMPLETE_ABORT));
            assertThat(describe("app-4").producerEpoch()).isEqualTo(epoch + 1);
            assertThatThrownBy(p::commitTransaction).isInstanceOf(KafkaException.class);
        }
    }

    @Test
    void sendOffsetsToTransactionCommitsTheGroupsOffsetsOnlyWithTheTransaction() throws Exception {
        TopicPartition in = new TopicPartition(TOPIC, 0);
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "eos-group");
        try (KafkaProducer<String, String> p = producer("app-6", 60_000);
                KafkaConsumer<String, String> consumer =
                        new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            ConsumerGroupMetadata group = consumer.groupMetadata();
            p.initTransactions();
            p.beginTransaction();
            p.send(new ProducerRecord<>(TOPIC, 1, "k", "out-1")).get(30, TimeUnit.SECONDS);
            p.sendOffsetsToTransaction(Map.of(in, new OffsetAndMetadata(5, "md")), group);
            assertThat(describe("app-6").topicPartitions()).contains(new TopicPartition("__consumer_offsets", 0));
            // not visible before the commit
            assertThat(committed("eos-group", in)).isNull();
            p.commitTransaction();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(committed("eos-group", in))
                    .isEqualTo(new OffsetAndMetadata(5, Optional.empty(), "md")));

            p.beginTransaction();
            p.sendOffsetsToTransaction(Map.of(in, new OffsetAndMetadata(9)), group);
            p.abortTransaction();
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> assertThat(describe("app-6").state()).isEqualTo(TransactionState.COMPLETE_ABORT));
            assertThat(committed("eos-group", in).offset()).isEqualTo(5L);
            // an open transaction's offsets at a restart stay pending until its marker
            p.beginTransaction();
            p.sendOffsetsToTransaction(Map.of(in, new OffsetAndMetadata(12)), group);
        }
        stop();
        startBroker();
        // the replay applied the COMMIT and ABORT markers of __consumer_offsets; closing the producer
        // left its last transaction open until the coordinator aborts it (timeout 60 s): still pending
        ListConsumerGroupOffsetsOptions unstable = new ListConsumerGroupOffsetsOptions().requireStable(false);
        assertThat(admin.listConsumerGroupOffsets(
                                Map.of("eos-group", new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(in))),
                                unstable)
                        .partitionsToOffsetAndMetadata("eos-group")
                        .get(30, TimeUnit.SECONDS)
                        .get(in)
                        .offset())
                .isEqualTo(5L);
        try (KafkaProducer<String, String> p = producer("app-6", 60_000)) {
            p.initTransactions(); // aborts the open transaction: its offsets are dropped
        }
        assertThat(committed("eos-group", in).offset()).isEqualTo(5L);
    }

    OffsetAndMetadata committed(String group, TopicPartition tp) throws Exception {
        return admin.listConsumerGroupOffsets(
                        Map.of(group, new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(tp))),
                        new ListConsumerGroupOffsetsOptions().requireStable(true))
                .partitionsToOffsetAndMetadata(group)
                .get(30, TimeUnit.SECONDS)
                .get(tp);
    }

    @Test
    void aWriteTxnMarkersCommitOnConsumerOffsetsReachesTheGroupCoordinatorAtOnce() throws Exception {
        TopicPartition in = new TopicPartition(TOPIC, 0);
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "marker-group");
        try (KafkaProducer<String, String> p = producer("app-8", 60_000);
                KafkaConsumer<String, String> consumer =
                        new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer());
                TransactionalReadTest.Raw raw = new TransactionalReadTest.Raw(broker.port())) {
            p.initTransactions();
            p.beginTransaction();
            p.sendOffsetsToTransaction(Map.of(in, new OffsetAndMetadata(7)), consumer.groupMetadata());
            TransactionDescription d = describe("app-8");
            // the marker a coordinator (or kafka-transactions.sh) sends over the wire, not the in-process path
            List<Errors> errors = TransactionalReadTest.writeMarkers(
                    raw,
                    TransactionalReadTest.marker(
                            d.producerId(), (short) d.producerEpoch(), true, "__consumer_offsets", 0));
            assertThat(errors).containsExactly(Errors.NONE);
            // applied without a reload of the group coordinator
            assertThat(committed("marker-group", in)).isEqualTo(new OffsetAndMetadata(7));
        }
    }

    @Test
    void readCommittedSeesOnlyTheCommittedTransaction() throws Exception {
        try (KafkaProducer<String, String> p = producer("app-7", 60_000)) {
            p.initTransactions();
            p.beginTransaction();
            for (int i = 0; i < 5; i++) {
                p.send(new ProducerRecord<>(TOPIC, 0, "k", "committed-" + i));
            }
            p.commitTransaction();
            p.beginTransaction();
            for (int i = 0; i < 5; i++) {
                p.send(new ProducerRecord<>(TOPIC, 0, "k", "aborted-" + i));
            }
            p.flush();
            p.abortTransaction();
            p.beginTransaction();
            p.send(new ProducerRecord<>(TOPIC, 0, "k", "last")).get(30, TimeUnit.SECONDS);
            p.commitTransaction();
        }
        assertThat(readAll("read_committed"))
                .containsExactly("committed-0", "committed-1", "committed-2", "committed-3", "committed-4", "last");
        assertThat(readAll("read_uncommitted")).hasSize(11).contains("aborted-0", "aborted-4", "last");
    }

    List<String> readAll(String isolation) {
        return readAll(TOPIC, isolation);
    }

    /** Every value of partition 0 of {@code topic} from the start, read with {@code isolation}. */
    List<String> readAll(String topic, String isolation) {
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c =
                new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) {
                    out.add(r.value());
                }
                return c.position(tp) >= end;
            });
        }
        return out;
    }

    @Test
    void consumeTransformProduceWithAbortsProcessesEveryInputExactlyOnce() throws Exception {
        String input = "ctp-in";
        String output = "ctp-out";
        admin.createTopics(List.of(new NewTopic(input, 1, (short) 1), new NewTopic(output, 1, (short) 1)))
                .all()
                .get(30, TimeUnit.SECONDS);
        int n = 500;
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        try (KafkaProducer<String, String> plain =
                new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                plain.send(new ProducerRecord<>(input, 0, null, "in-" + i));
            }
        }
        TopicPartition in = new TopicPartition(input, 0);
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "ctp");
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "37");
        int batches = 0;
        try (KafkaProducer<String, String> p = producer("ctp-app", 60_000);
                KafkaConsumer<String, String> c =
                        new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            p.initTransactions();
            c.assign(List.of(in));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (c.position(in) < n && System.nanoTime() < deadline) {
                List<ConsumerRecord<String, String>> polled = new ArrayList<>();
                c.poll(Duration.ofMillis(200)).forEach(polled::add);
                if (polled.isEmpty()) {
                    continue;
                }
                p.beginTransaction();
                for (ConsumerRecord<String, String> r : polled) {
                    p.send(new ProducerRecord<>(output, 0, null, r.value().replace("in-", "out-")));
                }
                long next = polled.get(polled.size() - 1).offset() + 1;
                p.sendOffsetsToTransaction(Map.of(in, new OffsetAndMetadata(next)), c.groupMetadata());
                if (++batches % 3 == 0) {
                    // a failed batch: abort, then go back to the committed position and redo it
                    p.abortTransaction();
                    OffsetAndMetadata committed = c.committed(Set.of(in)).get(in);
                    c.seek(in, committed == null ? 0 : committed.offset());
                } else {
                    p.commitTransaction();
                }
            }
        }
        List<String> out = readAll(output, "read_committed");
        assertThat(batches).isGreaterThan(3);
        assertThat(out).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(out.get(i)).isEqualTo("out-" + i);
        }
    }

    /**
     * sendOffsetsToTransaction from a subscribed member of either group protocol: the TxnOffsetCommit
     * carries the member id and generation (classic) or member epoch (KIP-848), which the coordinator
     * checks; the group's offset moves only with each commit, and a new member resumes right after it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void aSubscribedMemberOfEitherProtocolCommitsItsOffsetsWithTheTransaction(String protocol) throws Exception {
        String input = "grp-in-" + protocol;
        String output = "grp-out-" + protocol;
        String group = "grp-" + protocol;
        admin.createTopics(List.of(new NewTopic(input, 2, (short) 1), new NewTopic(output, 1, (short) 1)))
                .all()
                .get(30, TimeUnit.SECONDS);
        int n = 200;
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        try (KafkaProducer<String, String> plain =
                new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                plain.send(new ProducerRecord<>(input, i % 2, null, "in-" + i));
            }
        }
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        cp.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "30");
        // half by a first member, the rest by a new one that must resume after the first one's commits
        int seen = transformInTransactions(cp, "grp-app-" + protocol, input, output, 0, n / 2);
        seen = transformInTransactions(cp, "grp-app-" + protocol, input, output, seen, n);
        assertThat(seen).isEqualTo(n);
        List<String> out = readAll(output, "read_committed");
        // every input once: the second member resumed exactly where the first member's last commit left off
        assertThat(out).hasSize(n).doesNotHaveDuplicates();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        assertThat(committed.get(new TopicPartition(input, 0)).offset()).isEqualTo(n / 2);
        assertThat(committed.get(new TopicPartition(input, 1)).offset()).isEqualTo(n / 2);
    }

    /**
     * A subscribed member and a transactional producer: each poll's records are copied to {@code output}
     * and committed with the member's offsets in one transaction, until {@code until} inputs were seen in
     * all (starting from {@code seen}); returns the new count.
     */
    private int transformInTransactions(
            Properties consumerProps, String txnId, String input, String output, int seen, int until) {
        int count = seen;
        try (KafkaProducer<String, String> p = producer(txnId, 60_000);
                KafkaConsumer<String, String> c =
                        new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
            p.initTransactions();
            c.subscribe(List.of(input));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (count < until && System.nanoTime() < deadline) {
                List<ConsumerRecord<String, String>> polled = new ArrayList<>();
                c.poll(Duration.ofMillis(200)).forEach(polled::add);
                if (polled.isEmpty()) {
                    continue;
                }
                p.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> next = new java.util.HashMap<>();
                for (ConsumerRecord<String, String> r : polled) {
                    p.send(new ProducerRecord<>(output, 0, null, r.value()));
                    next.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                ConsumerGroupMetadata meta = c.groupMetadata();
                assertThat(meta.generationId()).isPositive(); // a real member: id and generation/epoch checked
                p.sendOffsetsToTransaction(next, meta);
                p.commitTransaction();
                count += polled.size();
            }
        }
        return count;
    }

    @Test
    void aTimeoutAboveTheBrokerMaximumIsRefused() {
        try (KafkaProducer<String, String> p = producer("app-5", 900_001)) {
            assertThatThrownBy(p::initTransactions).isInstanceOf(KafkaException.class);
        }
    }
}
