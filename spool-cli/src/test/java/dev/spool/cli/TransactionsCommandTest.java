package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spool transactions ...} against a real broker with a real transactional producer. */
class TransactionsCommandTest {
    @TempDir
    Path dir;

    EmbeddedSpool broker;
    Admin admin;

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedSpool.start(dir, Map.of("transaction.state.log.num.partitions", "3"));
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        admin = Admin.create(p);
        admin.createTopics(List.of(new NewTopic("orders", 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        admin.close();
        broker.close();
    }

    private Cli.Result transactions(String command, String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "transactions";
        all[1] = command;
        all[2] = "--bootstrap-server";
        all[3] = broker.bootstrap();
        System.arraycopy(args, 0, all, 4, args.length);
        return Cli.run(all);
    }

    @Test
    void listAndDescribeAnOngoingAndACommittedTransaction() throws Exception {
        try (KafkaProducer<String, String> open = producer("open-tx");
                KafkaProducer<String, String> done = producer("done-tx")) {
            done.initTransactions();
            done.beginTransaction();
            done.send(new ProducerRecord<>("orders", 0, "k", "v")).get(30, TimeUnit.SECONDS);
            done.commitTransaction();
            open.initTransactions();
            open.beginTransaction();
            open.send(new ProducerRecord<>("orders", 1, "k", "v")).get(30, TimeUnit.SECONDS);

            Cli.Result list = transactions("list");
            assertThat(list.exitCode()).as(list.toString()).isZero();
            assertThat(list.out())
                    .containsPattern("done-tx +\\d+ +CompleteCommit")
                    .containsPattern("open-tx +\\d+ +Ongoing");
            Cli.Result ongoing = transactions("list", "--state", "Ongoing");
            assertThat(ongoing.out()).contains("open-tx").doesNotContain("done-tx");
            assertThat(transactions("list", "--state", "Bogus").exitCode()).isNotZero();

            Cli.Result describe = transactions("describe", "--transactional-id", "open-tx");
            assertThat(describe.exitCode()).as(describe.toString()).isZero();
            assertThat(describe.out())
                    .contains("TransactionalId")
                    .containsPattern("\\d+ +open-tx +\\d+ +0 +Ongoing +60000 +\\d+ +\\d+ +orders-1");
            Cli.Result unknown = transactions("describe", "--transactional-id", "nope");
            assertThat(unknown.exitCode()).isNotZero();
            assertThat(unknown.err()).contains("nope");
            open.abortTransaction();
        }
    }

    @Test
    void abortWritesAMarkerThatUnblocksReadCommittedConsumers() throws Exception {
        TopicPartition tp = new TopicPartition("orders", 0);
        try (KafkaProducer<String, String> hanging = producer("hanging-tx")) {
            hanging.initTransactions();
            hanging.beginTransaction();
            hanging.send(new ProducerRecord<>("orders", 0, "k", "v")).get(30, TimeUnit.SECONDS);
            TransactionDescription d = admin.describeTransactions(List.of("hanging-tx"))
                    .description("hanging-tx")
                    .get(30, TimeUnit.SECONDS);
            assertThat(lastStableOffset(tp)).isZero();
            Cli.Result abort = transactions(
                    "abort",
                    "--topic",
                    "orders",
                    "--partition",
                    "0",
                    "--producer-id",
                    String.valueOf(d.producerId()),
                    "--producer-epoch",
                    String.valueOf(d.producerEpoch()),
                    "--coordinator-epoch",
                    "0");
            assertThat(abort.exitCode()).as(abort.toString()).isZero();
            assertThat(abort.out()).contains("Aborted the transaction of producer " + d.producerId());
            // the record and the marker are now below the last stable offset
            assertThat(lastStableOffset(tp)).isEqualTo(2L);
        }
        // The Admin client retries an unknown topic until its API timeout (as Kafka's tool does): a short one.
        Path quick = dir.resolve("quick-admin.properties");
        Files.writeString(quick, "default.api.timeout.ms=3000\nrequest.timeout.ms=2000\n", StandardCharsets.UTF_8);
        Cli.Result missing = transactions(
                "abort",
                "--command-config",
                quick.toString(),
                "--topic",
                "nope",
                "--partition",
                "0",
                "--producer-id",
                "1",
                "--producer-epoch",
                "0",
                "--coordinator-epoch",
                "0");
        assertThat(missing.exitCode()).isNotZero();
    }

    @Test
    void describeProducersShowsTheOngoingTransactionAndAbortByStartOffsetEndsIt() throws Exception {
        TopicPartition tp = new TopicPartition("orders", 1);
        try (KafkaProducer<String, String> hanging = producer("by-offset-tx")) {
            hanging.initTransactions();
            hanging.beginTransaction();
            hanging.send(new ProducerRecord<>("orders", 1, "k", "v")).get(30, TimeUnit.SECONDS);
            long pid = admin.describeTransactions(List.of("by-offset-tx"))
                    .description("by-offset-tx")
                    .get(30, TimeUnit.SECONDS)
                    .producerId();

            Cli.Result producers = transactions("describe-producers", "--topic", "orders", "--partition", "1");
            assertThat(producers.exitCode()).as(producers.toString()).isZero();
            assertThat(producers.out())
                    .containsPattern("ProducerId +ProducerEpoch +LatestCoordinatorEpoch +LastSequence +LastTimestamp"
                            + " +CurrentTransactionStartOffset")
                    .containsPattern(pid + " +0 +-1 +0 +\\d+ +0\\b");
            Cli.Result none = transactions("describe-producers", "--topic", "orders", "--partition", "0");
            assertThat(none.out().strip().lines()).hasSize(1);

            Cli.Result wrongOffset =
                    transactions("abort", "--topic", "orders", "--partition", "1", "--start-offset", "5");
            assertThat(wrongOffset.exitCode()).isNotZero();
            assertThat(wrongOffset.err())
                    .contains("Could not find any open transactions starting at offset 5 on partition orders-1");
            assertThat(transactions("abort", "--topic", "orders", "--partition", "1")
                            .exitCode())
                    .as("neither --start-offset nor --producer-id")
                    .isNotZero();

            Cli.Result abort = transactions("abort", "--topic", "orders", "--partition", "1", "--start-offset", "0");
            assertThat(abort.exitCode()).as(abort.toString()).isZero();
            assertThat(abort.out()).contains("Aborted the transaction of producer " + pid + " (epoch 0) on orders-1");
            assertThat(lastStableOffset(tp)).isEqualTo(2L);
            assertThat(transactions("describe-producers", "--topic", "orders", "--partition", "1")
                            .out())
                    .containsPattern(pid + " +0 +0 +0 +\\d+ +None");
        }
    }

    private long lastStableOffset(TopicPartition tp) throws Exception {
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .partitionResult(tp)
                .get(30, TimeUnit.SECONDS)
                .offset();
    }

    private KafkaProducer<String, String> producer(String txnId) {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        pp.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txnId);
        pp.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        return new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer());
    }
}
