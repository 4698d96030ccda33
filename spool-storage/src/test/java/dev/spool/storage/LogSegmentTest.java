package dev.spool.storage;

import static dev.spool.storage.LogTestSupport.batchAt;
import static dev.spool.storage.LogTestSupport.bytes;
import static dev.spool.storage.LogTestSupport.concat;
import static dev.spool.storage.LogTestSupport.config;
import static dev.spool.storage.LogTestSupport.tag;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.protocol.record.RecordBatch;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogSegmentTest {
    private static final long BASE = 100;
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final MockTime time = new MockTime(T0);
    private final List<LogSegment> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        for (LogSegment s : opened) {
            s.closeQuietly();
        }
    }

    private LogSegment create(LogConfig cfg) throws Exception {
        LogSegment s = LogSegment.create(dir, BASE, cfg, LogEnv.of(time));
        opened.add(s);
        return s;
    }

    /** Appends {@code n} batches of 3 records each (offsets BASE, BASE+3, ...), one write per batch. */
    private List<ByteBuffer> appendBatches(LogSegment s, int n, long firstTimestamp) throws Exception {
        List<ByteBuffer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ByteBuffer b = batchAt(BASE + 3L * i, tag("b", 2, i), 3, firstTimestamp + 10L * i);
            s.append(b.duplicate());
            out.add(b);
        }
        return out;
    }

    private static byte[] read(FileSlice slice) throws Exception {
        return bytes(slice.readFully());
    }

    @Test
    void appendOneBatchPublishesSizeAndNextOffset() throws Exception {
        LogSegment s = create(LogConfig.defaults());
        assertThat(s.size()).isZero();
        assertThat(s.readNextOffset()).isEqualTo(BASE);
        ByteBuffer b = batchAt(BASE, "x", 3, T0);
        s.append(b.duplicate());
        assertThat(s.size()).isEqualTo(b.remaining());
        assertThat(Files.size(s.logFile())).isEqualTo(b.remaining());
        assertThat(s.readNextOffset()).isEqualTo(BASE + 3);
        assertThat(s.maxTimestampSoFar()).isEqualTo(T0 + 2);
        assertThat(s.offsetOfMaxTimestampSoFar()).isEqualTo(BASE + 2);
        FileSlice slice = s.read(BASE, 1 << 20, Integer.MAX_VALUE, false);
        assertThat(read(slice)).isEqualTo(bytes(b));
    }

    @Test
    void positionOfABoundAgreesWithAHeaderScanAtTheTailAndAfterTruncation() throws Exception {
        LogSegment s = create(config(LogConfig.INDEX_INTERVAL_BYTES, 0));
        ByteBuffer b0 = batchAt(BASE, "a", 2, T0);
        ByteBuffer b1 = batchAt(BASE + 2, "b", 5, T0 + 100);
        ByteBuffer b2 = batchAt(BASE + 7, "c", 1, T0 + 50);
        s.append(concat(b0, b1));
        int s0 = b0.remaining();
        int s1 = b1.remaining();
        int size = s.size();
        // the tail (the log end) is known without a scan; other bounds are scanned; a bound past the end
        // gives the limit
        assertThat(s.positionOf(BASE + 7, size)).isEqualTo(s0 + s1);
        assertThat(s.positionOf(BASE + 2, size)).isEqualTo(s0);
        assertThat(s.positionOf(BASE + 3, size)).isEqualTo(s0);
        assertThat(s.positionOf(BASE + 9, size)).isEqualTo(size);
        // a limit below the tail (a size seen before the last append) is not exceeded
        assertThat(s.positionOf(BASE + 7, s0)).isEqualTo(s0);
        s.append(b2.duplicate());
        assertThat(s.positionOf(BASE + 7, s.size())).isEqualTo(s0 + s1);
        assertThat(s.positionOf(BASE + 8, s.size())).isEqualTo(s.size());
        s.truncateTo(BASE + 2);
        assertThat(s.positionOf(BASE + 2, s.size())).isEqualTo(s0);
        assertThat(s.positionOf(BASE + 8, s.size())).isEqualTo(s0);
    }

    @Test
    void anOffsetInTheLastAppendedBatchIsFoundWithoutAScanAndAgreesWithOne() throws Exception {
        // default index interval: the 20 small batches share one index entry, so other offsets are scanned
        LogSegment s = create(LogConfig.defaults());
        appendBatches(s, 20, T0); // offsets BASE .. BASE + 59, three per batch
        int size = s.size();
        for (long o = BASE; o < BASE + 60; o++) {
            assertThat(s.translateOffset(o, size))
                    .as("offset %d", o)
                    .isEqualTo(s.findBatch(o, s.offsetIndex().lookup(o), size));
        }
        LogSegment.BatchPosition last = s.translateOffset(BASE + 58, size);
        assertThat(last.baseOffset()).isEqualTo(BASE + 57);
        assertThat(last.end()).isEqualTo(size);
        // a limit below the last batch (a size seen before the last append) is not exceeded
        assertThat(s.translateOffset(BASE + 58, last.position())).isNull();
        // no header is read for the last batch: with its header zeroed on disk a scan no longer finds it
        try (FileChannel ch = FileChannel.open(s.logFile(), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(RecordBatch.HEADER_SIZE), last.position());
        }
        assertThat(s.findBatch(BASE + 58, s.offsetIndex().lookup(BASE + 58), size))
                .isNotEqualTo(last);
        assertThat(s.translateOffset(BASE + 58, size)).isEqualTo(last);
        // after a truncation the remembered batch is gone: offsets are scanned again
        s.truncateTo(BASE + 30);
        assertThat(s.translateOffset(BASE + 27, s.size()).end()).isEqualTo(s.size());
        assertThat(s.translateOffset(BASE + 30, s.size())).isNull();
    }

    @Test
    void appendSeveralBatchesInOneWriteIndexesEach() throws Exception {
        LogSegment s = create(config(LogConfig.INDEX_INTERVAL_BYTES, 0));
        ByteBuffer b0 = batchAt(BASE, "a", 2, T0);
        ByteBuffer b1 = batchAt(BASE + 2, "b", 5, T0 + 100);
        ByteBuffer b2 = batchAt(BASE + 7, "c", 1, T0 + 50);
        s.append(concat(b0, b1, b2));
        int s0 = b0.remaining();
        int s1 = b1.remaining();
        assertThat(s.size()).isEqualTo(s0 + s1 + b2.remaining());
        assertThat(s.readNextOffset()).isEqualTo(BASE + 8);
        assertThat(s.offsetIndex().entries()).isEqualTo(3);
        assertThat(s.offsetIndex().lookup(BASE + 3)).isEqualTo(new OffsetIndex.Position(BASE + 2, s0));
        assertThat(s.offsetIndex().lookup(BASE + 7)).isEqualTo(new OffsetIndex.Position(BASE + 7, s0 + s1));
        assertThat(s.maxTimestampSoFar()).isEqualTo(T0 + 104);
        assertThat(s.offsetOfMaxTimestampSoFar()).isEqualTo(BASE + 6);
        assertThat(s.translateOffset(BASE + 4, s.size()))
                .isEqualTo(new LogSegment.BatchPosition(BASE + 2, BASE + 6, s0, s1));
    }

    @Test
    void indexEntryOnceMoreThanIndexIntervalBytesFollowTheLastEntry() throws Exception {
        int batchSize = batchAt(0, "b00", 3, T0).remaining();
        LogSegment s = create(config(LogConfig.INDEX_INTERVAL_BYTES, batchSize));
        appendBatches(s, 7, T0);
        // entries at batches 0, 2, 4, 6: after each entry one batch (== interval) is not yet "more than" it
        assertThat(s.offsetIndex().entries()).isEqualTo(4);
        for (int i = 0; i < 7; i++) {
            int indexed = i / 2 * 2;
            assertThat(s.offsetIndex().lookup(BASE + 3L * i + 2))
                    .isEqualTo(new OffsetIndex.Position(BASE + 3L * indexed, indexed * batchSize));
        }
    }

    @Test
    void largeIndexIntervalIndexesOnlyTheFirstBatchButReadsStillFindEveryOffset() throws Exception {
        LogSegment s = create(config(LogConfig.INDEX_INTERVAL_BYTES, 1 << 20));
        List<ByteBuffer> batches = appendBatches(s, 10, T0);
        assertThat(s.offsetIndex().entries()).isEqualTo(1);
        int batchSize = batches.get(0).remaining();
        for (int i = 0; i < 10; i++) {
            LogSegment.BatchPosition p = s.translateOffset(BASE + 3L * i + 1, s.size());
            assertThat(p.position()).isEqualTo(i * batchSize);
            assertThat(p.baseOffset()).isEqualTo(BASE + 3L * i);
            assertThat(p.lastOffset()).isEqualTo(BASE + 3L * i + 2);
        }
    }

    @Test
    void readWithMaxBytesBelowTheFirstBatch() throws Exception {
        LogSegment s = create(LogConfig.defaults());
        List<ByteBuffer> batches = appendBatches(s, 3, T0);
        int batchSize = batches.get(0).remaining();

        FileSlice whole = s.read(BASE + 3, batchSize - 1, Integer.MAX_VALUE, true);
        assertThat(whole.position()).isEqualTo(batchSize);
        assertThat(read(whole)).isEqualTo(bytes(batches.get(1))); // KIP-74: the first batch whole

        FileSlice none = s.read(BASE + 3, batchSize - 1, Integer.MAX_VALUE, false);
        assertThat(none).isNotNull();
        assertThat(none.size()).isZero();

        FileSlice zero = s.read(BASE, 0, Integer.MAX_VALUE, true);
        assertThat(zero.size()).isEqualTo(batchSize);
    }

    @Test
    void readCutsAtTheLastWholeBatchWithinMaxBytes() throws Exception {
        LogSegment s = create(config(LogConfig.INDEX_INTERVAL_BYTES, 0));
        List<ByteBuffer> batches = appendBatches(s, 6, T0);
        int batchSize = batches.get(0).remaining();

        FileSlice exact = s.read(BASE, 2 * batchSize, Integer.MAX_VALUE, true);
        assertThat(read(exact)).isEqualTo(bytes(concat(batches.get(0), batches.get(1))));

        FileSlice cut = s.read(BASE, 3 * batchSize - 1, Integer.MAX_VALUE, false);
        assertThat(read(cut)).isEqualTo(bytes(concat(batches.get(0), batches.get(1))));

        // a start offset inside a batch starts at that batch
        FileSlice mid = s.read(BASE + 4, 2 * batchSize + batchSize / 2, Integer.MAX_VALUE, true);
        assertThat(mid.position()).isEqualTo(batchSize);
        assertThat(read(mid)).isEqualTo(bytes(concat(batches.get(1), batches.get(2))));

        FileSlice rest = s.read(BASE + 9, 1 << 20, Integer.MAX_VALUE, true);
        assertThat(rest.position()).isEqualTo(3 * batchSize);
        assertThat(rest.size()).isEqualTo(3 * batchSize);
    }

    @Test
    void readCutsAtBatchBoundaryWithSparseIndex() throws Exception {
        int batchSize = batchAt(0, "b00", 3, T0).remaining();
        LogSegment s = create(config(LogConfig.INDEX_INTERVAL_BYTES, 2 * batchSize));
        List<ByteBuffer> batches = appendBatches(s, 12, T0);
        for (int maxBatches = 1; maxBatches <= 12; maxBatches++) {
            for (int extra : new int[] {0, 1, batchSize - 1}) {
                FileSlice slice = s.read(BASE + 3, maxBatches * batchSize + extra, Integer.MAX_VALUE, false);
                int expected = Math.min(maxBatches, 11);
                assertThat(slice.size())
                        .as("%d batches + %d", maxBatches, extra)
                        .isEqualTo(expected * batchSize);
            }
        }
        assertThat(read(s.read(BASE + 30, 2 * batchSize + 5, Integer.MAX_VALUE, false)))
                .isEqualTo(bytes(concat(batches.get(10), batches.get(11))));
    }

    @Test
    void readStopsAtMaxPosition() throws Exception {
        LogSegment s = create(LogConfig.defaults());
        List<ByteBuffer> batches = appendBatches(s, 4, T0);
        int batchSize = batches.get(0).remaining();
        FileSlice bounded = s.read(BASE, 1 << 20, 2 * batchSize, true);
        assertThat(read(bounded)).isEqualTo(bytes(concat(batches.get(0), batches.get(1))));
        // nothing below the bound at or after the offset
        assertThat(s.read(BASE + 6, 1 << 20, 2 * batchSize, true)).isNull();
        assertThat(s.read(BASE, 1 << 20, 0, true)).isNull();
        // beyond the last offset
        assertThat(s.read(BASE + 12, 1 << 20, Integer.MAX_VALUE, true)).isNull();
    }

    @Test
    void translateOffset() throws Exception {
        LogSegment s = create(LogConfig.defaults());
        List<ByteBuffer> batches = appendBatches(s, 3, T0);
        int batchSize = batches.get(0).remaining();
        assertThat(s.translateOffset(BASE - 50, s.size()))
                .isEqualTo(new LogSegment.BatchPosition(BASE, BASE + 2, 0, batchSize));
        assertThat(s.translateOffset(BASE + 5, s.size()))
                .isEqualTo(new LogSegment.BatchPosition(BASE + 3, BASE + 5, batchSize, batchSize));
        assertThat(s.translateOffset(BASE + 6, s.size()).position()).isEqualTo(2 * batchSize);
        assertThat(s.translateOffset(BASE + 9, s.size())).isNull();
        assertThat(s.translateOffset(BASE + 6, 2 * batchSize)).isNull();
        assertThat(s.translateOffset(BASE + 6, 3 * batchSize - 1)).isNull(); // a partial batch is not a batch
    }

    @Test
    void truncateMidSegmentRemovesTheBatchHoldingTheOffsetAndKeepsIndexesConsistent() throws Exception {
        LogSegment s = create(config(LogConfig.INDEX_INTERVAL_BYTES, 0));
        List<ByteBuffer> batches = appendBatches(s, 5, T0);
        int batchSize = batches.get(0).remaining();

        int removed = s.truncateTo(BASE + 7); // inside batch 2 (offsets 106..108)
        assertThat(removed).isEqualTo(3 * batchSize);
        assertThat(s.size()).isEqualTo(2 * batchSize);
        assertThat(Files.size(s.logFile())).isEqualTo(2L * batchSize);
        assertThat(s.readNextOffset()).isEqualTo(BASE + 6);
        assertThat(s.offsetIndex().lastEntry()).isEqualTo(new OffsetIndex.Position(BASE + 3, batchSize));
        assertThat(s.maxTimestampSoFar()).isEqualTo(T0 + 12);
        assertThat(s.translateOffset(BASE + 7, s.size())).isNull();

        // appending continues where the truncation left off
        ByteBuffer again = batchAt(BASE + 6, "again", 2, T0 + 500);
        s.append(again.duplicate());
        assertThat(s.readNextOffset()).isEqualTo(BASE + 8);
        assertThat(read(s.read(BASE + 6, 1 << 20, Integer.MAX_VALUE, true))).isEqualTo(bytes(again));
        assertThat(s.translateOffset(BASE + 7, s.size()))
                .isEqualTo(new LogSegment.BatchPosition(BASE + 6, BASE + 7, 2 * batchSize, again.remaining()));
    }

    @Test
    void truncateInsideTheFirstBatchEmptiesTheSegmentAndAcceptsAppendsAgain() throws Exception {
        LogSegment s = create(config(LogConfig.INDEX_INTERVAL_BYTES, 0));
        appendBatches(s, 2, T0);
        s.truncateTo(BASE + 1);
        assertThat(s.size()).isZero();
        assertThat(s.readNextOffset()).isEqualTo(BASE);
        assertThat(s.offsetIndex().entries()).isZero();
        assertThat(s.timeIndex().entries()).isZero();
        ByteBuffer again = batchAt(BASE, "again", 1, T0);
        s.append(again.duplicate());
        assertThat(s.readNextOffset()).isEqualTo(BASE + 1);
        assertThat(s.offsetIndex().entries()).isEqualTo(1);
    }

    @Test
    void truncateBeyondTheEndRemovesNothing() throws Exception {
        LogSegment s = create(LogConfig.defaults());
        appendBatches(s, 2, T0);
        int size = s.size();
        assertThat(s.truncateTo(BASE + 6)).isZero();
        assertThat(s.size()).isEqualTo(size);
    }

    @Test
    void shouldRollBySize() throws Exception {
        int batchSize = batchAt(0, "b00", 3, T0).remaining();
        LogConfig cfg = config(LogConfig.SEGMENT_BYTES, 3 * batchSize);
        LogSegment s = create(cfg);
        assertThat(s.shouldRoll(10 * batchSize, BASE, cfg, T0))
                .as("an empty segment takes any batch")
                .isFalse();
        appendBatches(s, 2, T0);
        assertThat(s.shouldRoll(batchSize, BASE + 8, cfg, T0)).isFalse();
        assertThat(s.shouldRoll(batchSize + 1, BASE + 8, cfg, T0)).isTrue();
    }

    @Test
    void shouldRollBySegmentMsCountedFromTheFirstBatchTimestamp() throws Exception {
        LogConfig cfg = config(LogConfig.SEGMENT_MS, 1000);
        LogSegment s = create(cfg);
        time.sleep(5000);
        assertThat(s.shouldRoll(100, BASE, cfg, time.milliseconds())).isFalse(); // empty
        long first = time.milliseconds();
        s.append(batchAt(BASE, "a", 1, first));
        assertThat(s.shouldRoll(100, BASE + 1, cfg, time.milliseconds())).isFalse();
        time.sleep(1000);
        assertThat(s.shouldRoll(100, BASE + 1, cfg, time.milliseconds())).isFalse();
        time.sleep(1);
        assertThat(s.shouldRoll(100, BASE + 1, cfg, time.milliseconds())).isTrue();
        assertThat(s.timeWaitedForRoll(time.milliseconds())).isEqualTo(1001);
    }

    @Test
    void segmentMsCountsFromTheFirstBatchAlsoAfterAReopen() throws Exception {
        LogConfig cfg = config(LogConfig.SEGMENT_MS, 1000);
        LogSegment s = create(cfg);
        s.append(batchAt(BASE, "a", 1, T0));
        s.append(batchAt(BASE + 1, "b", 1, T0 + 900));
        s.close();
        opened.remove(s);
        // the file was last modified long after the first batch was written
        LogSegment r = LogSegment.open(dir, BASE, cfg, LogEnv.of(time), T0 + 900, true);
        opened.add(r);
        assertThat(r.shouldRoll(100, BASE + 2, cfg, T0 + 1000)).isFalse();
        assertThat(r.shouldRoll(100, BASE + 2, cfg, T0 + 1001)).isTrue();
    }

    @Test
    void segmentMsOfAnEmptyReopenedSegmentCountsFromItsFileTime() throws Exception {
        LogConfig cfg = config(LogConfig.SEGMENT_MS, 1000);
        create(cfg).close();
        opened.clear();
        LogSegment r = LogSegment.open(dir, BASE, cfg, LogEnv.of(time), T0 - 5000, true);
        opened.add(r);
        assertThat(r.timeWaitedForRoll(T0)).isEqualTo(5000);
    }

    @Test
    void shouldRollWhenTheOffsetIndexIsFull() throws Exception {
        // 4 offset-index entries; the time index has 3 slots (2 usable before the final one), and equal
        // timestamps add none after the first
        LogConfig cfg = config(LogConfig.SEGMENT_INDEX_BYTES, 36, LogConfig.INDEX_INTERVAL_BYTES, 0);
        LogSegment s = create(cfg);
        for (int i = 0; i < 3; i++) {
            s.append(batchAt(BASE + i, "a", 1, T0));
        }
        assertThat(s.shouldRoll(100, BASE + 3, cfg, T0)).isFalse();
        s.append(batchAt(BASE + 3, "a", 1, T0));
        assertThat(s.offsetIndex().isFull()).isTrue();
        assertThat(s.timeIndex().isFull()).isFalse();
        assertThat(s.shouldRoll(100, BASE + 4, cfg, T0)).isTrue();
    }

    @Test
    void shouldRollWhenTheTimeIndexIsFull() throws Exception {
        LogConfig cfg = config(LogConfig.SEGMENT_INDEX_BYTES, 36, LogConfig.INDEX_INTERVAL_BYTES, 0);
        LogSegment s = create(cfg);
        s.append(batchAt(BASE, "a", 1, T0));
        assertThat(s.shouldRoll(100, BASE + 1, cfg, T0)).isFalse();
        s.append(batchAt(BASE + 1, "a", 1, T0 + 1));
        assertThat(s.timeIndex().isFull()).isTrue();
        assertThat(s.offsetIndex().isFull()).isFalse();
        assertThat(s.shouldRoll(100, BASE + 2, cfg, T0)).isTrue();
    }

    @Test
    void shouldRollWhenTheRelativeOffsetWouldOverflow() throws Exception {
        LogConfig cfg = LogConfig.defaults();
        LogSegment s = create(cfg);
        s.append(batchAt(BASE, "a", 1, T0));
        assertThat(s.shouldRoll(100, BASE + Integer.MAX_VALUE, cfg, T0)).isFalse();
        assertThat(s.shouldRoll(100, BASE + Integer.MAX_VALUE + 1L, cfg, T0)).isTrue();
    }

    @Test
    void aNewSegmentReplacesAStaleLogFileAtItsNameAndIsEmpty() throws Exception {
        Path stale = dir.resolve(LogFiles.fileName(BASE, LogSegment.LOG_SUFFIX));
        Files.write(stale, new byte[1000]);
        try (java.nio.channels.FileChannel oldReader = java.nio.channels.FileChannel.open(stale)) {
            LogSegment s = create(LogConfig.defaults());
            assertThat(s.size()).isZero();
            assertThat(Files.size(stale)).isZero();
            appendBatches(s, 1, T0);
            assertThat(s.readNextOffset()).isEqualTo(BASE + 3);
            assertThat(oldReader.size()).isEqualTo(1000); // the replaced file, still readable by its holder
        }
    }

    @Test
    void onBecomeInactiveTrimsIndexFilesAndIndexesTheMaxTimestamp() throws Exception {
        LogSegment s = create(config(LogConfig.INDEX_INTERVAL_BYTES, 1 << 20));
        appendBatches(s, 4, T0);
        // A new segment's indexes write their files when first flushed: preallocated while active.
        assertThat(s.offsetIndex().file()).doesNotExist();
        s.flush();
        assertThat(Files.size(s.offsetIndex().file())).isEqualTo(10 * 1024 * 1024);
        assertThat(Files.size(s.timeIndex().file()))
                .isEqualTo(10 * 1024 * 1024 / TimeIndex.ENTRY_SIZE * TimeIndex.ENTRY_SIZE);
        assertThat(s.timeIndex().lastEntry()).isEqualTo(new TimeIndex.Entry(T0 + 2, BASE + 2));
        s.onBecomeInactive();
        assertThat(s.offsetIndex().entries()).isEqualTo(1);
        assertThat(Files.size(s.offsetIndex().file())).isEqualTo(OffsetIndex.ENTRY_SIZE);
        assertThat(s.timeIndex().lastEntry()).isEqualTo(new TimeIndex.Entry(T0 + 32, BASE + 11));
        assertThat(Files.size(s.timeIndex().file())).isEqualTo(2L * TimeIndex.ENTRY_SIZE);
    }

    @Test
    void closedSegmentReopensWithItsContentAndTimestamps() throws Exception {
        LogConfig cfg = config(LogConfig.INDEX_INTERVAL_BYTES, 0);
        LogSegment s = create(cfg);
        List<ByteBuffer> batches = appendBatches(s, 3, T0);
        s.close();
        opened.remove(s);
        LogSegment r = LogSegment.open(dir, BASE, cfg, LogEnv.of(time), T0, true);
        opened.add(r);
        assertThat(r.size()).isEqualTo(s.size());
        assertThat(r.readNextOffset()).isEqualTo(BASE + 9);
        assertThat(r.maxTimestampSoFar()).isEqualTo(T0 + 22);
        assertThat(r.offsetOfMaxTimestampSoFar()).isEqualTo(BASE + 8);
        assertThat(r.offsetIndex().entries()).isEqualTo(3);
        assertThat(read(r.read(BASE, 1 << 20, Integer.MAX_VALUE, true)))
                .isEqualTo(bytes(concat(batches.toArray(new ByteBuffer[0]))));
        r.append(batchAt(BASE + 9, "more", 1, T0 + 100));
        assertThat(r.readNextOffset()).isEqualTo(BASE + 10);
    }

    @Test
    void createReplacesStaleFilesAtTheSameBaseOffset() throws Exception {
        LogSegment s = create(config(LogConfig.INDEX_INTERVAL_BYTES, 0));
        appendBatches(s, 3, T0);
        s.close();
        opened.remove(s);
        LogSegment fresh = create(LogConfig.defaults());
        assertThat(fresh.size()).isZero();
        assertThat(fresh.offsetIndex().entries()).isZero();
        assertThat(fresh.timeIndex().entries()).isZero();
        assertThat(fresh.readNextOffset()).isEqualTo(BASE);
    }

    @Test
    void renameForDeletionAndDeleteFiles() throws Exception {
        LogSegment s = create(LogConfig.defaults());
        appendBatches(s, 1, T0);
        Path log = s.logFile();
        s.renameForDeletion();
        assertThat(log).doesNotExist();
        assertThat(s.logFile().getFileName().toString()).isEqualTo("00000000000000000100.log.deleted");
        assertThat(s.offsetIndex().file().getFileName().toString()).endsWith(".index.deleted");
        assertThat(s.timeIndex().file().getFileName().toString()).endsWith(".timeindex.deleted");
        s.deleteFiles();
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }
}
