package dev.spool.storage;

import static dev.spool.storage.LogTestSupport.config;
import static dev.spool.storage.LogTestSupport.values;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.protocol.record.BatchBuilder;
import dev.spool.protocol.record.BatchError;
import dev.spool.protocol.record.SimpleRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The idempotent-producer rules of {@link Log#appendAsLeader} (one rule per test). */
class ProducerStateTest {
    static final long T0 = 1_700_000_000_000L;
    static final long PID = 4242;

    @TempDir
    Path dir;

    final MockTime time = new MockTime(T0);
    Log log;

    @BeforeEach
    void open() throws Exception {
        log = LogTestSupport.open(dir, config(LogConfig.SEGMENT_INDEX_BYTES, 4096), time, LogLoader.LoadParams.FRESH);
    }

    @AfterEach
    void close() throws Exception {
        log.close();
    }

    /** A batch of {@code count} records "tag-i" from producer {@code pid}, epoch, first sequence. */
    static ByteBuffer idem(long pid, int epoch, int seq, int count, String tag) {
        List<SimpleRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new SimpleRecord(T0 + i, null, (tag + "-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        return BatchBuilder.build(0, new BatchBuilder.ProducerInfo(pid, (short) epoch, seq, false), records);
    }

    AppendResult append(ByteBuffer b) throws Exception {
        return log.appendAsLeader(b, 0);
    }

    @Test
    void inSequenceBatchesAreAppended() throws Exception {
        assertThat(append(idem(PID, 0, 0, 3, "a")).firstOffset()).isZero();
        assertThat(append(idem(PID, 0, 3, 2, "b")).firstOffset()).isEqualTo(3);
        assertThat(log.logEndOffset()).isEqualTo(5);
    }

    @Test
    void aDuplicateOfOneOfTheLastFiveBatchesGetsItsOriginalOffsetsAndNothingIsAppended() throws Exception {
        for (int i = 0; i < 6; i++) {
            append(idem(PID, 0, i * 2, 2, "b" + i));
        }
        long end = log.logEndOffset();
        for (int i = 1; i < 6; i++) { // batches 1..5 are the last five
            AppendResult r = append(idem(PID, 0, i * 2, 2, "b" + i));
            assertThat(r.ok()).isTrue();
            assertThat(r.firstOffset()).isEqualTo(i * 2L);
            assertThat(r.lastOffset()).isEqualTo(i * 2L + 1);
        }
        assertThat(log.logEndOffset()).isEqualTo(end);
        // The oldest batch is forgotten: its retry is out of order, not a duplicate.
        AppendResult old = append(idem(PID, 0, 0, 2, "b0"));
        assertThat(old.error()).isEqualTo(BatchError.OUT_OF_ORDER_SEQUENCE);
        assertThat(values(log)).hasSize(12);
    }

    @Test
    void aDuplicateAnswersTheLogAppendTimeOfTheOriginal() throws Exception {
        log.updateConfig(config(LogConfig.MESSAGE_TIMESTAMP_TYPE, "LogAppendTime"));
        AppendResult first = append(idem(PID, 0, 0, 1, "a"));
        time.sleep(5000);
        AppendResult dup = append(idem(PID, 0, 0, 1, "a"));
        assertThat(dup.logAppendTime()).isEqualTo(first.logAppendTime()).isEqualTo(T0);
        assertThat(dup.firstOffset()).isEqualTo(first.firstOffset());
    }

    @Test
    void aSequenceGapIsOutOfOrderAndAppendsNothing() throws Exception {
        append(idem(PID, 0, 0, 2, "a"));
        AppendResult r = append(idem(PID, 0, 3, 1, "gap"));
        assertThat(r.error()).isEqualTo(BatchError.OUT_OF_ORDER_SEQUENCE);
        assertThat(r.error().kafkaError().name()).isEqualTo("OUT_OF_ORDER_SEQUENCE_NUMBER");
        assertThat(log.logEndOffset()).isEqualTo(2);
        assertThat(append(idem(PID, 0, 2, 1, "next")).ok()).isTrue();
    }

    @Test
    void aPartlyOverlappingRetryIsOutOfOrder() throws Exception {
        append(idem(PID, 0, 0, 4, "a"));
        assertThat(append(idem(PID, 0, 2, 4, "overlap")).error()).isEqualTo(BatchError.OUT_OF_ORDER_SEQUENCE);
        assertThat(log.logEndOffset()).isEqualTo(4);
    }

    @Test
    void anOlderEpochIsInvalidProducerEpoch() throws Exception {
        append(idem(PID, 3, 0, 1, "a"));
        AppendResult r = append(idem(PID, 2, 1, 1, "old"));
        assertThat(r.error()).isEqualTo(BatchError.INVALID_PRODUCER_EPOCH);
        assertThat(r.error().kafkaError().name()).isEqualTo("INVALID_PRODUCER_EPOCH");
        assertThat(log.logEndOffset()).isEqualTo(1);
    }

    @Test
    void aNewerEpochMustStartAtSequenceZero() throws Exception {
        append(idem(PID, 0, 0, 2, "a"));
        assertThat(append(idem(PID, 1, 2, 1, "b")).error()).isEqualTo(BatchError.OUT_OF_ORDER_SEQUENCE);
        assertThat(append(idem(PID, 1, 0, 1, "b")).ok()).isTrue();
        // The old epoch is fenced from now on, and the new one continues its own sequence.
        assertThat(append(idem(PID, 0, 2, 1, "c")).error()).isEqualTo(BatchError.INVALID_PRODUCER_EPOCH);
        assertThat(append(idem(PID, 1, 1, 1, "c")).ok()).isTrue();
        assertThat(values(log)).containsExactly("a-0", "a-1", "b-0", "c-0");
    }

    @Test
    void anUnknownProducerIsAcceptedWithAnySequenceAsKafka4Does() throws Exception {
        AppendResult r = append(idem(PID, 5, 77, 2, "a"));
        assertThat(r.ok()).isTrue();
        assertThat(append(idem(PID, 5, 79, 1, "b")).ok()).isTrue();
        assertThat(append(idem(PID, 5, 81, 1, "gap")).error()).isEqualTo(BatchError.OUT_OF_ORDER_SEQUENCE);
    }

    @Test
    void sequencesWrapAfterIntegerMaxValue() throws Exception {
        int start = Integer.MAX_VALUE - 2;
        append(idem(PID, 0, start, 2, "a")); // MAX-2, MAX-1
        AppendResult wrap = append(idem(PID, 0, Integer.MAX_VALUE, 3, "b")); // MAX, 0, 1
        assertThat(wrap.ok()).isTrue();
        assertThat(append(idem(PID, 0, Integer.MAX_VALUE, 3, "b")).firstOffset())
                .as("duplicate of the wrapping batch")
                .isEqualTo(wrap.firstOffset());
        assertThat(append(idem(PID, 0, 2, 1, "c")).ok()).isTrue();
        assertThat(log.logEndOffset()).isEqualTo(6);
        assertThat(ProducerStateManager.lastSequence(Integer.MAX_VALUE, 2)).isEqualTo(1);
        assertThat(ProducerStateManager.inSequence(Integer.MAX_VALUE, 0)).isTrue();
    }

    @Test
    void aNegativeSequenceFromAProducerIsAnInvalidRecord() throws Exception {
        assertThat(append(idem(PID, 0, -1, 1, "a")).error()).isEqualTo(BatchError.INVALID_RECORD);
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void producersAreIndependentAndPlainBatchesAreUnchecked() throws Exception {
        append(idem(1, 0, 0, 1, "p1"));
        append(idem(2, 0, 0, 1, "p2"));
        append(LogTestSupport.batch("plain", 1, T0));
        append(LogTestSupport.batch("plain", 1, T0)); // no producer id: no deduplication
        assertThat(append(idem(1, 0, 1, 1, "p1")).ok()).isTrue();
        assertThat(append(idem(2, 0, 0, 1, "p2")).firstOffset()).isEqualTo(1); // duplicate
        assertThat(values(log)).containsExactly("p1-0", "p2-0", "plain-0", "plain-0", "p1-0");
    }

    @Test
    void severalBatchesWithProducerIdsInOneAppendAreRefused() throws Exception {
        ByteBuffer two = LogTestSupport.concat(idem(PID, 0, 0, 1, "a"), idem(PID, 0, 1, 1, "b"));
        assertThat(append(two).error()).isEqualTo(BatchError.INVALID_RECORD);
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void aFollowerAppendTeachesTheStateWithoutChecks() throws Exception {
        ByteBuffer b = idem(PID, 0, 10, 2, "f");
        assertThat(log.appendAsFollower(b).ok()).isTrue();
        assertThat(append(idem(PID, 0, 10, 2, "f")).firstOffset()).isZero(); // duplicate
        assertThat(append(idem(PID, 0, 12, 1, "g")).firstOffset()).isEqualTo(2);
    }
}
