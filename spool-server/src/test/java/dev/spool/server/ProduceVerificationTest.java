package dev.spool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.protocol.adapter.ProduceRecords;
import dev.spool.protocol.record.BatchBuilder;
import dev.spool.protocol.record.SimpleRecord;
import dev.spool.server.TransactionalReadTest.Raw;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KIP-890 part 1 on the produce path: a producer's first transactional batch on a partition is
 * appended only if the transaction coordinator has the partition in the producer's ongoing
 * transaction. A raw batch for a partition never added is refused (INVALID_TXN_STATE before produce
 * v11, TRANSACTION_ABORTABLE from v11, as Kafka answers) and appends nothing; once the partition is
 * added it is accepted; real transactional clients are accepted throughout.
 */
class ProduceVerificationTest {
    static final String TOPIC = "verified";
    static final String TXN_ID = "verify-app";

    @TempDir
    Path dir;

    EmbeddedSpool broker;
    Admin admin;

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedSpool.start(dir, Map.of());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
        admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        admin.close();
        broker.close();
    }

    static ByteBuffer txnBatch(long producerId, short epoch, int baseSequence, String value) {
        return BatchBuilder.build(
                0,
                new BatchBuilder.ProducerInfo(producerId, epoch, baseSequence, true),
                List.of(new SimpleRecord(1_700_000_000_000L, null, value.getBytes(StandardCharsets.UTF_8))));
    }

    static ProduceResponseData.PartitionProduceResponse produce(
            Raw raw, short version, String transactionalId, int partition, ByteBuffer batch) throws Exception {
        ProduceRequestData.PartitionProduceData p = new ProduceRequestData.PartitionProduceData().setIndex(partition);
        ProduceRecords.set(p, batch);
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName(TOPIC).setPartitionData(List.of(p)));
        ProduceRequestData request = new ProduceRequestData()
                .setTransactionalId(transactionalId)
                .setAcks((short) -1)
                .setTimeoutMs(30_000)
                .setTopicData(topics);
        return new ProduceResponseData(raw.send(ApiKeys.PRODUCE, version, request), version)
                .responses()
                .iterator()
                .next()
                .partitionResponses()
                .get(0);
    }

    long logEnd(int partition) throws Exception {
        TopicPartition tp = new TopicPartition(TOPIC, partition);
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest()))
                .partitionResult(tp)
                .get(30, TimeUnit.SECONDS)
                .offset();
    }

    @Test
    void aBatchForAPartitionNeverAddedIsRefusedAndAppendsNothing() throws Exception {
        try (Raw raw = new Raw(broker.port())) {
            short initVersion = 4;
            AtomicReference<InitProducerIdResponseData> initRef = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                // COORDINATOR_LOAD_IN_PROGRESS until __transaction_state is loaded: retried, as clients do
                initRef.set(new InitProducerIdResponseData(
                        raw.send(
                                ApiKeys.INIT_PRODUCER_ID,
                                initVersion,
                                new InitProducerIdRequestData()
                                        .setTransactionalId(TXN_ID)
                                        .setTransactionTimeoutMs(60_000)
                                        .setProducerId(-1)
                                        .setProducerEpoch((short) -1)),
                        initVersion));
                return initRef.get().errorCode() == Errors.NONE.code();
            });
            InitProducerIdResponseData init = initRef.get();
            long pid = init.producerId();
            short epoch = init.producerEpoch();

            // no AddPartitionsToTxn at all: refused, with Kafka's error for each produce version
            ProduceResponseData.PartitionProduceResponse old =
                    produce(raw, (short) 10, TXN_ID, 0, txnBatch(pid, epoch, 0, "x"));
            assertThat(Errors.forCode(old.errorCode())).isEqualTo(Errors.INVALID_TXN_STATE);
            assertThat(old.baseOffset()).isEqualTo(-1);
            ProduceResponseData.PartitionProduceResponse current =
                    produce(raw, (short) 12, TXN_ID, 0, txnBatch(pid, epoch, 0, "x"));
            assertThat(Errors.forCode(current.errorCode())).isEqualTo(Errors.TRANSACTION_ABORTABLE);
            assertThat(logEnd(0)).as("nothing appended").isZero();

            // a stale epoch is fenced as Kafka tells producers: INVALID_PRODUCER_EPOCH
            ProduceResponseData.PartitionProduceResponse stale =
                    produce(raw, (short) 12, TXN_ID, 0, txnBatch(pid, (short) (epoch - 1), 0, "x"));
            assertThat(Errors.forCode(stale.errorCode())).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);

            // partition 0 added: accepted there, partition 1 (not added) still refused
            short addVersion = 3;
            AddPartitionsToTxnResponseData added = new AddPartitionsToTxnResponseData(
                    raw.send(
                            ApiKeys.ADD_PARTITIONS_TO_TXN,
                            addVersion,
                            new AddPartitionsToTxnRequestData()
                                    .setV3AndBelowTransactionalId(TXN_ID)
                                    .setV3AndBelowProducerId(pid)
                                    .setV3AndBelowProducerEpoch(epoch)
                                    .setV3AndBelowTopics(
                                            new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection(
                                                    List.of(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic()
                                                                    .setName(TOPIC)
                                                                    .setPartitions(List.of(0)))
                                                            .iterator()))),
                    addVersion);
            assertThat(added.resultsByTopicV3AndBelow()
                            .find(TOPIC)
                            .resultsByPartition()
                            .find(0)
                            .partitionErrorCode())
                    .isEqualTo(Errors.NONE.code());
            ProduceResponseData.PartitionProduceResponse ok =
                    produce(raw, (short) 12, TXN_ID, 0, txnBatch(pid, epoch, 0, "x"));
            assertThat(Errors.forCode(ok.errorCode())).isEqualTo(Errors.NONE);
            assertThat(ok.baseOffset()).isZero();
            // the transaction is now ongoing on partition 0: the next batch needs no verification
            assertThat(Errors.forCode(produce(raw, (short) 12, TXN_ID, 0, txnBatch(pid, epoch, 1, "y"))
                            .errorCode()))
                    .isEqualTo(Errors.NONE);
            assertThat(logEnd(0)).isEqualTo(2);
            assertThat(Errors.forCode(produce(raw, (short) 12, TXN_ID, 1, txnBatch(pid, epoch, 0, "z"))
                            .errorCode()))
                    .isEqualTo(Errors.TRANSACTION_ABORTABLE);
            assertThat(logEnd(1)).isZero();
        }
    }

    @Test
    void realTransactionalProducersAreAccepted() throws Exception {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrap(),
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                        "real-app"),
                new StringSerializer(),
                new StringSerializer())) {
            p.initTransactions();
            for (int round = 0; round < 3; round++) {
                p.beginTransaction();
                for (int i = 0; i < 10; i++) {
                    p.send(new ProducerRecord<>(TOPIC, i % 2, null, "r" + round + "-" + i));
                }
                p.commitTransaction(); // throws if a batch was refused
            }
        }
        // 3 transactions x 5 records + 3 markers on each partition; as in Kafka, commitTransaction
        // returns once the commit is decided, and the coordinator writes the last markers after that.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(logEnd(0)).isEqualTo(18);
            assertThat(logEnd(1)).isEqualTo(18);
        });
    }
}
