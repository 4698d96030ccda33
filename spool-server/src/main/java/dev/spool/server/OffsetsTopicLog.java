package dev.spool.server;

import dev.spool.common.TopicPartition;
import dev.spool.coordinator.CoordinatorLog;
import dev.spool.coordinator.CoordinatorRecord;
import dev.spool.coordinator.TransactionResult;
import dev.spool.protocol.adapter.KafkaRecords;
import dev.spool.protocol.record.BatchBuilder;
import dev.spool.protocol.record.RecordBatch;
import dev.spool.protocol.record.SimpleRecord;
import dev.spool.storage.AppendOrigin;
import dev.spool.storage.AppendResult;
import dev.spool.storage.Log;
import dev.spool.storage.LogConfig;
import dev.spool.storage.LogOfflineException;
import dev.spool.storage.ReadResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinators' {@link CoordinatorLog} port over the partition logs of an internal topic
 * ({@code __consumer_offsets} for groups, {@code __transaction_state} for transactions, {@link
 * #transactionState}): the topic is created compacted on first need; an append is one uncompressed v2 batch per call
 * (atomic), after which the high watermark follows and waiting fetches wake; a read replays the
 * partition from its log start to its end, batch by batch (control batches skipped). Thread-safe
 * (the logs are).
 */
final class OffsetsTopicLog implements CoordinatorLog {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetsTopicLog.class);

    static final String TOPIC = "__consumer_offsets";
    static final String TRANSACTION_STATE_TOPIC = "__transaction_state";
    /** Bytes read per step while loading. */
    private static final int READ_CHUNK_BYTES = 1 << 20;

    /** Control record key: version int16, type int16. */
    private static final int CONTROL_KEY_BYTES = 2 * Short.BYTES;

    private static final short CONTROL_TYPE_ABORT = 0;
    private static final short CONTROL_TYPE_COMMIT = 1;

    private final String topic;
    private final int readChunkBytes;

    private final TopicService topics;
    private final DelayedFetches delayedFetches;
    private final BrokerContext broker;
    private final int segmentBytes;

    OffsetsTopicLog(BrokerContext broker, int segmentBytes) {
        this(broker, TOPIC, segmentBytes, READ_CHUNK_BYTES);
    }

    /** The port over {@code __transaction_state} (read {@code loadBufferBytes} at a time while loading). */
    static OffsetsTopicLog transactionState(BrokerContext broker, int segmentBytes, int loadBufferBytes) {
        return new OffsetsTopicLog(broker, TRANSACTION_STATE_TOPIC, segmentBytes, loadBufferBytes);
    }

    private OffsetsTopicLog(BrokerContext broker, String topic, int segmentBytes, int readChunkBytes) {
        this.topic = topic;
        this.readChunkBytes = readChunkBytes;
        this.broker = broker;
        this.topics = broker.topics();
        this.delayedFetches = broker.delayedFetches();
        this.segmentBytes = segmentBytes;
    }

    @Override
    public boolean topicExists() {
        return topics.image().topic(topic) != null;
    }

    @Override
    public boolean ensureTopic(int partitions) {
        if (topicExists()) {
            return true;
        }
        try {
            TopicService.Outcome o = topics.createTopic(
                    topic,
                    partitions,
                    (short) 1,
                    Map.of(
                            LogConfig.CLEANUP_POLICY,
                            LogConfig.POLICY_COMPACT,
                            LogConfig.SEGMENT_BYTES,
                            String.valueOf(segmentBytes)),
                    false);
            if (!o.ok() && !topicExists()) {
                LOG.error("cannot create {}: {} {}", topic, o.error(), o.message());
                return false;
            }
            return true;
        } catch (IOException e) {
            LOG.error("cannot create {}", topic, e);
            return false;
        }
    }

    private Log log(int partition) throws CoordinatorLogException {
        Log log = broker.log(topic, partition);
        if (log == null) {
            throw new CoordinatorLogException(topic + "-" + partition + " does not exist", null);
        }
        return log;
    }

    @Override
    public void append(int partition, List<CoordinatorRecord> records, long timestampMs)
            throws CoordinatorLogException {
        List<SimpleRecord> batch = new ArrayList<>(records.size());
        for (CoordinatorRecord r : records) {
            batch.add(new SimpleRecord(timestampMs, r.key(), r.value()));
        }
        Log log = log(partition);
        try {
            AppendResult result = log.appendAsLeader(BatchBuilder.build(batch), 0, AppendOrigin.COORDINATOR);
            if (!result.ok()) {
                throw new CoordinatorLogException(
                        "append to " + topic + "-" + partition + " refused: " + result.error() + " " + result.message(),
                        null);
            }
            log.updateHighWatermark(log.logEndOffset());
            delayedFetches.onAppend(new TopicPartition(topic, partition));
        } catch (LogOfflineException e) {
            throw new CoordinatorLogException("append to " + topic + "-" + partition + " failed", e);
        }
    }

    /**
     * Kafka's coordinator-origin append: the producer's transactional batch (no sequence numbers) is
     * appended as the leader at the log end without sequence checks ({@link AppendOrigin#COORDINATOR}),
     * recording the producer's state and opening its transaction on the partition.
     */
    @Override
    public void appendTransactional(
            int partition, long producerId, short producerEpoch, List<CoordinatorRecord> records, long timestampMs)
            throws CoordinatorLogException {
        List<SimpleRecord> batch = new ArrayList<>(records.size());
        for (CoordinatorRecord r : records) {
            batch.add(new SimpleRecord(timestampMs, r.key(), r.value()));
        }
        Log log = log(partition);
        BatchBuilder.ProducerInfo producer =
                new BatchBuilder.ProducerInfo(producerId, producerEpoch, RecordBatch.NO_SEQUENCE, true);
        try {
            AppendResult result =
                    log.appendAsLeader(BatchBuilder.build(0, producer, batch), 0, AppendOrigin.COORDINATOR);
            if (!result.ok()) {
                throw new CoordinatorLogException(
                        "transactional append to " + topic + "-" + partition + " refused: " + result.message(), null);
            }
            log.updateHighWatermark(log.logEndOffset());
            delayedFetches.onAppend(new TopicPartition(topic, partition));
        } catch (LogOfflineException e) {
            throw new CoordinatorLogException("append to " + topic + "-" + partition + " failed", e);
        }
    }

    @Override
    public void readAll(int partition, Consumer<CoordinatorRecord> sink) throws CoordinatorLogException {
        readAllWithMarkers(partition, new ReplaySink() {
            @Override
            public void record(CoordinatorRecord record, long producerId) {
                sink.accept(record);
            }

            @Override
            public void marker(long producerId, TransactionResult result) {}
        });
    }

    /**
     * Replays the partition batch by batch: records of transactional batches carry their producer id;
     * control batches are reported as markers (Kafka's control record key: version int16, type int16
     * with 0 = ABORT, 1 = COMMIT).
     */
    @Override
    public void readAllWithMarkers(int partition, ReplaySink sink) throws CoordinatorLogException {
        Log log = log(partition);
        long end = log.logEndOffset();
        long offset = log.logStartOffset();
        try {
            while (offset < end) {
                ReadResult r = log.read(offset, readChunkBytes, end, true);
                if (!r.ok() || r.sizeInBytes() == 0) {
                    break;
                }
                ByteBuffer buf = r.slice().readFully();
                int pos = buf.position();
                long next = offset;
                while (buf.limit() - pos >= RecordBatch.LOG_OVERHEAD) {
                    int size = RecordBatch.sizeInBytes(buf, pos);
                    if (size < RecordBatch.HEADER_SIZE || size > buf.limit() - pos) {
                        break;
                    }
                    long producerId = RecordBatch.isTransactional(buf, pos)
                            ? RecordBatch.producerId(buf, pos)
                            : RecordBatch.NO_PRODUCER_ID;
                    boolean control = RecordBatch.isControl(buf, pos);
                    for (KafkaRecords.DecodedRecord rec : KafkaRecords.decodeBatch(buf, pos, size)) {
                        if (rec.offset() < offset || rec.key() == null) {
                            continue;
                        }
                        if (control) {
                            TransactionResult result = controlType(rec.key());
                            if (result != null && producerId != RecordBatch.NO_PRODUCER_ID) {
                                sink.marker(producerId, result);
                            }
                        } else {
                            sink.record(new CoordinatorRecord(rec.key(), rec.value()), producerId);
                        }
                    }
                    next = RecordBatch.nextOffset(buf, pos);
                    pos += size;
                }
                if (next <= offset) {
                    break;
                }
                offset = next;
            }
        } catch (IOException e) {
            throw new CoordinatorLogException("read of " + topic + "-" + partition + " failed", e);
        }
    }

    /** The marker type of a control record key, or null for other control records. */
    private static TransactionResult controlType(byte[] key) {
        if (key.length < CONTROL_KEY_BYTES) {
            return null;
        }
        short type = ByteBuffer.wrap(key).getShort(Short.BYTES);
        if (type == CONTROL_TYPE_ABORT) {
            return TransactionResult.ABORT;
        }
        return type == CONTROL_TYPE_COMMIT ? TransactionResult.COMMIT : null;
    }
}
