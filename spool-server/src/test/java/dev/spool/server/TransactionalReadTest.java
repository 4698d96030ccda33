package dev.spool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.protocol.adapter.ProduceRecords;
import dev.spool.protocol.record.BatchBuilder;
import dev.spool.protocol.record.SimpleRecord;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transactions on the partition side, end to end: transactional batches produced over a raw socket
 * without a transactional id (so, as in Kafka, the coordinator is not asked to verify them), markers written by WriteTxnMarkers, and real KafkaConsumers: read_committed
 * sees only committed records (and is woken by the marker while it long-polls), read_uncommitted
 * sees everything; ListOffsets latest is the LSO for read_committed.
 */
class TransactionalReadTest {
    static final String TOPIC = "txn";
    static final long COMMITTED = 5001;
    static final long ABORTED = 5002;
    static final short EPOCH = 2;
    static final short PRODUCE_VERSION = 12;
    static final short MARKERS_VERSION = 1;

    @TempDir
    Path dir;

    /** A raw connection that sends one request and reads its response. */
    static final class Raw implements AutoCloseable {
        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;
        private int correlationId;

        Raw(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        ByteBufferAccessor send(ApiKeys api, short version, ApiMessage body) throws IOException {
            int id = ++correlationId;
            out.write(ConnectionBehaviourTest.frame(api, version, id, body));
            out.flush();
            int responseSize = in.readInt();
            assertThat(responseSize).isBetween(4, 1 << 20);
            byte[] response = new byte[responseSize];
            in.readFully(response);
            ByteBufferAccessor r = new ByteBufferAccessor(ByteBuffer.wrap(response));
            ResponseHeaderData rh = new ResponseHeaderData(r, api.responseHeaderVersion(version));
            assertThat(rh.correlationId()).isEqualTo(id);
            return r;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static ByteBuffer txnBatch(long producerId, int baseSequence, String... values) {
        List<SimpleRecord> records = new ArrayList<>();
        for (String v : values) {
            records.add(new SimpleRecord(1_700_000_000_000L, null, v.getBytes(StandardCharsets.UTF_8)));
        }
        return BatchBuilder.build(
                0, new BatchBuilder.ProducerInfo(producerId, EPOCH, baseSequence, producerId >= 0), records);
    }

    static Errors produce(Raw raw, String transactionalId, ByteBuffer batch) throws IOException {
        ProduceRequestData.PartitionProduceData p = new ProduceRequestData.PartitionProduceData().setIndex(0);
        ProduceRecords.set(p, batch);
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName(TOPIC).setPartitionData(List.of(p)));
        ProduceRequestData request = new ProduceRequestData()
                .setTransactionalId(transactionalId)
                .setAcks((short) -1)
                .setTimeoutMs(30_000)
                .setTopicData(topics);
        ProduceResponseData response =
                new ProduceResponseData(raw.send(ApiKeys.PRODUCE, PRODUCE_VERSION, request), PRODUCE_VERSION);
        return Errors.forCode(response.responses()
                .iterator()
                .next()
                .partitionResponses()
                .get(0)
                .errorCode());
    }

    static WriteTxnMarkersRequestData.WritableTxnMarker marker(
            long producerId, short epoch, boolean commit, String topic, int partition) {
        return new WriteTxnMarkersRequestData.WritableTxnMarker()
                .setProducerId(producerId)
                .setProducerEpoch(epoch)
                .setTransactionResult(commit)
                .setCoordinatorEpoch(0)
                .setTopics(List.of(new WriteTxnMarkersRequestData.WritableTxnMarkerTopic()
                        .setName(topic)
                        .setPartitionIndexes(List.of(partition))));
    }

    /** Sends markers; returns each marker's partition error, in order. */
    static List<Errors> writeMarkers(Raw raw, WriteTxnMarkersRequestData.WritableTxnMarker... markers)
            throws IOException {
        WriteTxnMarkersRequestData request = new WriteTxnMarkersRequestData().setMarkers(List.of(markers));
        WriteTxnMarkersResponseData response = new WriteTxnMarkersResponseData(
                raw.send(ApiKeys.WRITE_TXN_MARKERS, MARKERS_VERSION, request), MARKERS_VERSION);
        List<Errors> out = new ArrayList<>();
        for (WriteTxnMarkersResponseData.WritableTxnMarkerResult m : response.markers()) {
            out.add(Errors.forCode(m.topics().get(0).partitions().get(0).errorCode()));
        }
        return out;
    }

    static KafkaConsumer<byte[], byte[]> consumer(EmbeddedSpool broker, String isolation, int maxWaitMs) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Integer.toString(maxWaitMs));
        KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        c.assign(List.of(new TopicPartition(TOPIC, 0)));
        c.seekToBeginning(List.of(new TopicPartition(TOPIC, 0)));
        return c;
    }

    static void pollInto(KafkaConsumer<byte[], byte[]> c, List<String> values) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
            values.add(new String(r.value(), StandardCharsets.UTF_8));
        }
    }

    static long latest(Admin admin, IsolationLevel isolation) throws Exception {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(isolation))
                .partitionResult(tp)
                .get()
                .offset();
    }

    @Test
    void readCommittedSeesOnlyCommittedRecordsAndReadUncommittedSeesAll() throws Exception {
        try (EmbeddedSpool broker = EmbeddedSpool.start(dir, Map.of());
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
                Raw raw = new Raw(broker.port())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            assertThat(produce(raw, null, txnBatch(COMMITTED, 0, "c0", "c1"))).isEqualTo(Errors.NONE); // 0-1
            assertThat(produce(raw, null, txnBatch(ABORTED, 0, "a0", "a1", "a2")))
                    .isEqualTo(Errors.NONE); // 2-4
            assertThat(produce(raw, null, txnBatch(-1, -1, "plain"))).isEqualTo(Errors.NONE); // 5
            assertThat(produce(raw, null, txnBatch(COMMITTED, 2, "c2"))).isEqualTo(Errors.NONE); // 6
            assertThat(latest(admin, IsolationLevel.READ_UNCOMMITTED)).isEqualTo(7);
            assertThat(latest(admin, IsolationLevel.READ_COMMITTED)).isZero();

            // A 60 s long poll: only the marker can end it within the test's wait.
            try (KafkaConsumer<byte[], byte[]> committed = consumer(broker, "read_committed", 60_000)) {
                List<String> seen = new ArrayList<>();
                pollInto(committed, seen); // nothing stable yet: its fetch parks
                assertThat(seen).isEmpty();

                List<Errors> errors = writeMarkers(
                        raw,
                        marker(COMMITTED, EPOCH, true, TOPIC, 0), // 7
                        marker(ABORTED, EPOCH, false, TOPIC, 0), // 8
                        marker(ABORTED, (short) (EPOCH - 1), false, TOPIC, 0),
                        marker(ABORTED, EPOCH, false, "no-such-topic", 0));
                assertThat(errors)
                        .containsExactly(
                                Errors.NONE,
                                Errors.NONE,
                                Errors.INVALID_PRODUCER_EPOCH,
                                Errors.UNKNOWN_TOPIC_OR_PARTITION);
                assertThat(latest(admin, IsolationLevel.READ_COMMITTED)).isEqualTo(9);

                // The markers wake the parked read_committed fetch well before its 60 s wait ends.
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    pollInto(committed, seen);
                    // The markers after the last record are passed on the poll after it.
                    return seen.size() >= 4 && committed.position(new TopicPartition(TOPIC, 0)) == 9;
                });
                assertThat(seen).containsExactly("c0", "c1", "plain", "c2");
                committed.close(CloseOptions.timeout(Duration.ofMillis(100))); // not waiting for its next long poll
            }
            try (KafkaConsumer<byte[], byte[]> all = consumer(broker, "read_uncommitted", 500)) {
                List<String> seen = new ArrayList<>();
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    pollInto(all, seen);
                    return seen.size() >= 7;
                });
                assertThat(seen).containsExactly("c0", "c1", "a0", "a1", "a2", "plain", "c2");
            }
        }
    }

    @Test
    void aTransactionLeftOpenHoldsTheLsoAndAnAbortFromTheToolReleasesIt() throws Exception {
        try (EmbeddedSpool broker = EmbeddedSpool.start(dir, Map.of());
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
                Raw raw = new Raw(broker.port())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            assertThat(produce(raw, null, txnBatch(-1, -1, "before"))).isEqualTo(Errors.NONE); // 0
            assertThat(produce(raw, null, txnBatch(ABORTED, 0, "h0"))).isEqualTo(Errors.NONE); // 1
            assertThat(produce(raw, null, txnBatch(-1, -1, "after"))).isEqualTo(Errors.NONE); // 2
            assertThat(latest(admin, IsolationLevel.READ_COMMITTED)).isEqualTo(1);
            // What kafka-transactions.sh abort does: Admin.abortTransaction sends WriteTxnMarkers.
            admin.abortTransaction(new org.apache.kafka.clients.admin.AbortTransactionSpec(
                            new TopicPartition(TOPIC, 0), ABORTED, EPOCH, 0))
                    .all()
                    .get();
            assertThat(latest(admin, IsolationLevel.READ_COMMITTED)).isEqualTo(4);
            try (KafkaConsumer<byte[], byte[]> committed = consumer(broker, "read_committed", 500)) {
                List<String> seen = new ArrayList<>();
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    pollInto(committed, seen);
                    return committed.position(new TopicPartition(TOPIC, 0)) == 4;
                });
                assertThat(seen).containsExactly("before", "after");
            }
        }
    }
}
