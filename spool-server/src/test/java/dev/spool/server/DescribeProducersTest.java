package dev.spool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeProducersOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DescribeProducers through kafka-clients' {@code Admin.describeProducers} against a real broker, after
 * idempotent and transactional produces by real producers; {@code Admin.abortTransaction} with the spec
 * built from it (what {@code kafka-transactions.sh abort --start-offset} does); Kafka's errors.
 */
class DescribeProducersTest {
    static final String TOPIC = "producers";
    static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    @TempDir
    Path dir;

    EmbeddedSpool broker;
    Admin admin;

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedSpool.start(dir, Map.of(ServerConfig.OFFSETS_TOPIC_NUM_PARTITIONS, "1"));
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        admin = Admin.create(ap);
        admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        admin.close();
        broker.close();
    }

    KafkaProducer<String, String> producer(String transactionalId) {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        if (transactionalId != null) {
            pp.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        pp.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        return new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer());
    }

    List<ProducerState> producers(TopicPartition tp) throws Exception {
        return admin.describeProducers(List.of(tp))
                .partitionResult(tp)
                .get(30, TimeUnit.SECONDS)
                .activeProducers();
    }

    ProducerState producer(TopicPartition tp, long producerId) throws Exception {
        return producers(tp).stream()
                .filter(p -> p.producerId() == producerId)
                .findFirst()
                .orElseThrow(() -> new AssertionError("producer " + producerId + " not on " + tp));
    }

    long lastStableOffset(TopicPartition tp) throws Exception {
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .partitionResult(tp)
                .get(30, TimeUnit.SECONDS)
                .offset();
    }

    TransactionDescription describe(String transactionalId) throws Exception {
        return admin.describeTransactions(List.of(transactionalId))
                .description(transactionalId)
                .get(30, TimeUnit.SECONDS);
    }

    @Test
    void advertisesVersionZeroOnly() throws Exception {
        assertThat(ConsumerProtocolGroupTest.advertised(broker.port()))
                .containsEntry(ApiKeys.DESCRIBE_PRODUCERS.id, (short) 0);
    }

    @Test
    void anIdempotentProducerShowsItsEpochAndLastSequenceWithoutATransaction() throws Exception {
        assertThat(producers(P0)).isEmpty();
        long before = System.currentTimeMillis();
        try (KafkaProducer<String, String> p = producer(null)) {
            for (int i = 0; i < 3; i++) {
                p.send(new ProducerRecord<>(TOPIC, 0, "k", "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }
        List<ProducerState> states = producers(P0);
        assertThat(states).hasSize(1);
        ProducerState s = states.get(0);
        assertThat(s.producerId()).isNotNegative();
        assertThat(s.producerEpoch()).isZero();
        assertThat(s.lastSequence()).isEqualTo(2);
        assertThat(s.lastTimestamp()).isGreaterThanOrEqualTo(before);
        assertThat(s.coordinatorEpoch()).isEqualTo(OptionalInt.empty());
        assertThat(s.currentTransactionStartOffset()).isEqualTo(OptionalLong.empty());
        assertThat(producers(P1)).isEmpty();
    }

    @Test
    void anOngoingTransactionShowsItsStartOffsetAndACommitClearsIt() throws Exception {
        try (KafkaProducer<String, String> plain = producer(null);
                KafkaProducer<String, String> tx = producer("describe-tx")) {
            plain.send(new ProducerRecord<>(TOPIC, 1, "k", "before")).get(30, TimeUnit.SECONDS); // offset 0
            tx.initTransactions();
            tx.beginTransaction();
            tx.send(new ProducerRecord<>(TOPIC, 1, "k", "a")).get(30, TimeUnit.SECONDS); // offset 1
            tx.send(new ProducerRecord<>(TOPIC, 1, "k", "b")).get(30, TimeUnit.SECONDS); // offset 2
            long pid = describe("describe-tx").producerId();

            ProducerState ongoing = producer(P1, pid);
            assertThat(ongoing.currentTransactionStartOffset()).isEqualTo(OptionalLong.of(1));
            assertThat(ongoing.lastSequence()).isEqualTo(1);
            assertThat(producers(P1)).hasSize(2);

            tx.commitTransaction();
            ProducerState committed = producer(P1, pid);
            assertThat(committed.currentTransactionStartOffset()).isEqualTo(OptionalLong.empty());
            assertThat(committed.coordinatorEpoch())
                    .as("the marker's coordinator epoch")
                    .isPresent();
            assertThat(committed.producerEpoch())
                    .isEqualTo(describe("describe-tx").producerEpoch());
        }
    }

    @Test
    void abortTransactionWithASpecBuiltFromDescribeProducersEndsAHangingTransaction() throws Exception {
        try (KafkaProducer<String, String> plain = producer(null);
                KafkaProducer<String, String> hanging = producer("hanging-tx")) {
            plain.send(new ProducerRecord<>(TOPIC, 0, "k", "before")).get(30, TimeUnit.SECONDS); // offset 0
            hanging.initTransactions();
            hanging.beginTransaction();
            hanging.send(new ProducerRecord<>(TOPIC, 0, "k", "stuck")).get(30, TimeUnit.SECONDS); // offset 1
            plain.send(new ProducerRecord<>(TOPIC, 0, "k", "after")).get(30, TimeUnit.SECONDS); // offset 2
            assertThat(lastStableOffset(P0)).isEqualTo(1);

            // what kafka-transactions.sh abort --start-offset 1 does
            ProducerState found = producers(P0).stream()
                    .filter(p -> p.currentTransactionStartOffset().equals(OptionalLong.of(1)))
                    .findFirst()
                    .orElseThrow();
            assertThat(found.producerId()).isEqualTo(describe("hanging-tx").producerId());
            admin.abortTransaction(new AbortTransactionSpec(
                            P0,
                            found.producerId(),
                            (short) found.producerEpoch(),
                            found.coordinatorEpoch().orElse(0)))
                    .all()
                    .get(30, TimeUnit.SECONDS);

            assertThat(lastStableOffset(P0))
                    .as("data, the other record and the marker")
                    .isEqualTo(4);
            ProducerState after = producer(P0, found.producerId());
            assertThat(after.currentTransactionStartOffset()).isEqualTo(OptionalLong.empty());
            assertThat(after.coordinatorEpoch())
                    .isEqualTo(OptionalInt.of(found.coordinatorEpoch().orElse(0)));
        }
    }

    @Test
    void unknownTopicsPartitionsAndIllegalNamesGetKafkasErrors() throws Exception {
        DescribeProducersRequestData request = new DescribeProducersRequestData();
        request.topics()
                .add(new DescribeProducersRequestData.TopicRequest()
                        .setName("no-such-topic")
                        .setPartitionIndexes(List.of(0, 1)));
        request.topics()
                .add(new DescribeProducersRequestData.TopicRequest()
                        .setName(TOPIC)
                        .setPartitionIndexes(List.of(7, 0, -1)));
        request.topics()
                .add(new DescribeProducersRequestData.TopicRequest()
                        .setName("bad name!")
                        .setPartitionIndexes(List.of(0)));
        DescribeProducersResponseData response;
        try (TransactionalReadTest.Raw raw = new TransactionalReadTest.Raw(broker.port())) {
            response = new DescribeProducersResponseData(
                    raw.send(ApiKeys.DESCRIBE_PRODUCERS, (short) 0, request), (short) 0);
        }
        assertThat(response.topics()).extracting(t -> t.name()).containsExactly("no-such-topic", TOPIC, "bad name!");
        var unknown = response.topics().get(0).partitions();
        assertThat(unknown)
                .extracting(p -> p.partitionIndex(), p -> Errors.forCode(p.errorCode()), p -> p.errorMessage())
                .containsExactly(
                        tuple(0, Errors.UNKNOWN_TOPIC_OR_PARTITION, Errors.UNKNOWN_TOPIC_OR_PARTITION.message()),
                        tuple(1, Errors.UNKNOWN_TOPIC_OR_PARTITION, Errors.UNKNOWN_TOPIC_OR_PARTITION.message()));
        var known = response.topics().get(1).partitions();
        assertThat(known)
                .extracting(p -> p.partitionIndex(), p -> Errors.forCode(p.errorCode()))
                .containsExactly(
                        tuple(7, Errors.UNKNOWN_TOPIC_OR_PARTITION),
                        tuple(0, Errors.NONE),
                        tuple(-1, Errors.UNKNOWN_TOPIC_OR_PARTITION));
        var bad = response.topics().get(2).partitions().get(0);
        assertThat(Errors.forCode(bad.errorCode())).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION);
        assertThat(bad.errorMessage()).contains("contains a character other than");

        // the Admin client fails an illegal name at once (an unknown partition it retries until its timeout)
        int nodeId = admin.describeCluster()
                .nodes()
                .get(30, TimeUnit.SECONDS)
                .iterator()
                .next()
                .id();
        TopicPartition illegal = new TopicPartition("bad name!", 0);
        var result = admin.describeProducers(Set.of(illegal, P0), new DescribeProducersOptions().brokerId(nodeId));
        assertThat(result.partitionResult(P0).get(30, TimeUnit.SECONDS).activeProducers())
                .isEmpty();
        assertThatThrownBy(() -> result.partitionResult(illegal).get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(InvalidTopicException.class)
                .hasMessageContaining("contains a character other than");
    }
}
