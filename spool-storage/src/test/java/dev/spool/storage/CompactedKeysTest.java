package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.protocol.adapter.KafkaRecords;
import dev.spool.protocol.record.BatchError;
import dev.spool.protocol.record.RecordBatch;
import dev.spool.protocol.record.SimpleRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A compacted topic refuses a client's records without a key, as Kafka's validator does. */
class CompactedKeysTest {
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final MockTime time = new MockTime(T0);
    private Log log;

    @AfterEach
    void close() throws IOException {
        if (log != null) {
            log.close();
        }
    }

    /** Opens a fresh log with {@code cleanup.policy} = {@code policy} and the further config {@code kv}. */
    private void open(String policy, Object... kv) throws IOException {
        Object[] all = java.util.Arrays.copyOf(kv, kv.length + 4);
        all[kv.length] = LogConfig.CLEANUP_POLICY;
        all[kv.length + 1] = policy;
        all[kv.length + 2] = LogConfig.SEGMENT_INDEX_BYTES;
        all[kv.length + 3] = 4096;
        log = LogTestSupport.open(dir, LogTestSupport.config(all), time, LogLoader.LoadParams.FRESH);
    }

    private static SimpleRecord record(String key, String value) {
        return new SimpleRecord(
                T0, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    private static ByteBuffer batch(int codec, SimpleRecord... records) {
        return KafkaRecords.build(codec, 0, List.of(records));
    }

    @Test
    void aKeylessRecordIsRefusedWholeBatchAndNothingIsAppended() throws IOException {
        open(LogConfig.POLICY_COMPACT);
        for (int codec : new int[] {KafkaRecords.NONE, KafkaRecords.GZIP, KafkaRecords.LZ4}) {
            AppendResult r =
                    log.appendAsLeader(batch(codec, record("k1", "a"), record(null, "no key"), record("k2", "b")), 0);
            assertThat(r.error()).as("codec %d", codec).isEqualTo(BatchError.INVALID_RECORD);
            assertThat(r.message())
                    .startsWith("Compacted topic cannot accept message without key in topic partition")
                    .contains("record 1 of the batch");
        }
        assertThat(log.logEndOffset()).isZero();
        assertThat(log.appendAsLeader(batch(KafkaRecords.GZIP, record("k1", "a"), record("k2", "b")), 0)
                        .ok())
                .isTrue();
        assertThat(log.logEndOffset()).isEqualTo(2);
    }

    @Test
    void aCompressedBatchThatCannotBeDecompressedIsRefusedNotThrown() throws IOException {
        open(LogConfig.POLICY_COMPACT);
        List<SimpleRecord> records = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            records.add(record("k" + i, "value " + i));
        }
        ByteBuffer batch = KafkaRecords.build(KafkaRecords.GZIP, 0, records);
        for (int i = RecordBatch.RECORDS_OFFSET + 12; i < batch.limit(); i++) {
            batch.put(i, (byte) (batch.get(i) ^ 0x5a)); // the deflate stream, past gzip's header
        }
        RecordBatch.writeCrc(batch, 0); // intact as a batch: only its compressed records are bad
        AppendResult r = log.appendAsLeader(batch, 0);
        assertThat(r.error()).isEqualTo(BatchError.INVALID_RECORD);
        assertThat(r.message()).startsWith("the records of a batch cannot be read");
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void aCompressedRecordOverMaxDecompressedMessageBytesIsRefusedBeforeItIsRead() throws IOException {
        open(LogConfig.POLICY_COMPACT, LogConfig.MAX_DECOMPRESSED_MESSAGE_BYTES, 1000);
        String big = "x".repeat(5000); // compresses far below max.message.bytes
        AppendResult r = log.appendAsLeader(batch(KafkaRecords.GZIP, record("k1", "a"), record("k2", big)), 0);
        assertThat(r.error()).isEqualTo(BatchError.INVALID_RECORD);
        assertThat(r.message()).startsWith("the records of a batch cannot be read");
        assertThat(log.logEndOffset()).isZero();
        assertThat(log.appendAsLeader(batch(KafkaRecords.GZIP, record("k1", "a"), record("k2", "b")), 0)
                        .ok())
                .isTrue();
    }

    @Test
    void aDeleteTopicAndTheCoordinatorsOwnAppendsAreNotChecked() throws IOException {
        open(LogConfig.POLICY_DELETE);
        assertThat(log.appendAsLeader(batch(KafkaRecords.NONE, record(null, "v")), 0)
                        .ok())
                .isTrue();
        log.close();
        log = null;
        dir = dir.resolve("compacted");
        open(LogConfig.POLICY_COMPACT);
        assertThat(log.appendAsLeader(batch(KafkaRecords.NONE, record(null, "v")), 0, AppendOrigin.COORDINATOR)
                        .ok())
                .isTrue();
    }
}
