package dev.spool.storage;

import static dev.spool.storage.CleanerTestSupport.latest;
import static dev.spool.storage.CleanerTestSupport.model;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.storage.CleanerTestSupport.Write;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Segment merging, the byte-bounded key map and the choice of the dirtiest log. */
class LogCleanerMergeTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final int SEGMENT_BYTES = 2048;

    @TempDir
    Path dir;

    private final MockTime time = new MockTime(T0);
    private final LogConfig config = LogTestSupport.config(
            LogConfig.CLEANUP_POLICY,
            "compact",
            LogConfig.SEGMENT_BYTES,
            SEGMENT_BYTES,
            LogConfig.SEGMENT_INDEX_BYTES,
            4096);
    private final List<Log> logs = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (Log log : logs) {
            log.close();
        }
    }

    private Log open(String name) throws Exception {
        Log log = LogTestSupport.open(dir.resolve(name), config, time, LogLoader.LoadParams.FRESH);
        logs.add(log);
        return log;
    }

    private static List<Write> write(Log log, Random random, int count, int keys) throws Exception {
        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            writes.add(new Write("key-" + random.nextInt(keys), "value-" + i));
        }
        for (int i = 0; i < writes.size(); i += 4) {
            log.appendAsLeader(CleanerTestSupport.batch(T0, writes.subList(i, Math.min(writes.size(), i + 4))), 0);
        }
        log.roll();
        log.updateHighWatermark(log.logEndOffset());
        return writes;
    }

    @Test
    void cleanedSegmentsAreMergedUpToSegmentBytes() throws Exception {
        Log log = open("merge");
        Random random = new Random(1);
        List<Write> writes = new ArrayList<>(write(log, random, 1500, 30));
        LogCleaner cleaner = new LogCleaner(time, 1000);
        cleaner.clean(log);
        int afterFirst = log.numberOfSegments();
        writes.addAll(write(log, random, 300, 30));
        cleaner.clean(log);
        assertThat(latest(log)).isEqualTo(model(writes));
        assertThat(log.numberOfSegments()).isLessThan(afterFirst);
        LogCleanerSwap.CleanableSnapshot snap = log.cleaning().cleanableSnapshot(T0);
        for (LogSegment s : snap.segments()) {
            assertThat(s.size()).isLessThanOrEqualTo(SEGMENT_BYTES);
        }
        // Grouping itself: sizes of adjacent runs never exceed segment.bytes.
        for (List<LogSegment> group : LogCleaner.groupSegments(snap, Long.MAX_VALUE, config)) {
            assertThat(group.stream().mapToLong(LogSegment::size).sum())
                    .isLessThanOrEqualTo(Math.max(SEGMENT_BYTES, group.get(0).size()));
        }
    }

    @Test
    void aKeyMapOfAFewHundredBytesCleansInSeveralPassesToTheSameResult() throws Exception {
        Log log = open("small-map");
        List<Write> writes = write(log, new Random(2), 800, 60);
        // 40 slots of 24 bytes at load factor 0.9: 36 keys per pass.
        LogCleaner cleaner = new LogCleaner(time, new LogCleaner.Config(40 * 24, 0.9, 1, Double.MAX_VALUE, 1024));
        long end = log.logEndOffset();
        long cleanedTo = 0;
        int passes = 0;
        while (cleanedTo < end) {
            LogCleaner.Stats s = cleaner.clean(log);
            assertThat(s.cleanedUpTo()).isGreaterThan(cleanedTo);
            cleanedTo = s.cleanedUpTo();
            passes++;
            assertThat(latest(log)).isEqualTo(model(writes));
        }
        assertThat(passes).isGreaterThan(1);
    }

    @Test
    void cleanDirtiestTakesTheDirtiestLogAndNeverTwoThreadsOnOneLog() throws Exception {
        Log lightlyDirty = open("light");
        Log veryDirty = open("heavy");
        LogCleaner cleaner = new LogCleaner(time, new LogCleaner.Config(1 << 20, 0.9, 2, Double.MAX_VALUE, 4096));
        write(lightlyDirty, new Random(3), 400, 300);
        cleaner.clean(lightlyDirty);
        write(lightlyDirty, new Random(4), 200, 300); // a third of it dirty
        write(veryDirty, new Random(5), 600, 20); // all dirty
        LogCleaner.CleanedLog first = cleaner.cleanDirtiest(List.of(lightlyDirty, veryDirty));
        assertThat(first.log()).isSameAs(veryDirty);
        assertThat(first.stats().cleanedUpTo()).isEqualTo(veryDirty.logEndOffset());

        // Two threads at once over the same dirty logs: each log is cleaned once, by one of them.
        write(veryDirty, new Random(6), 600, 20);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<LogCleaner.CleanedLog>> results = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return cleaner.cleanDirtiest(List.of(lightlyDirty, veryDirty));
                }));
            }
            go.countDown();
            List<Log> cleaned = new ArrayList<>();
            for (Future<LogCleaner.CleanedLog> f : results) {
                LogCleaner.CleanedLog r = f.get(30, TimeUnit.SECONDS);
                if (r != null && r.stats().cleanedUpTo() >= 0) {
                    cleaned.add(r.log());
                }
            }
            assertThat(cleaned).doesNotHaveDuplicates().isNotEmpty();
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        assertThat(cleaner.cleanDirtiest(List.of(lightlyDirty, veryDirty))).isNull();
    }

    @Test
    void aLogHeldForDeletionIsNotCleanedAndItsCheckpointIsNotWrittenBack() throws Exception {
        Log log = open("deleted");
        write(log, new Random(7), 400, 20);
        LogCleaner cleaner = new LogCleaner(time, 1000);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> holder = pool.submit(() -> {
                cleaner.whileNotCleaning(log.topicPartition(), () -> {
                    inside.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    cleaner.resetCheckpoint(log.dir(), log.topicPartition());
                });
                return null;
            });
            assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(cleaner.clean(log)).isEqualTo(LogCleaner.Stats.NOTHING);
            assertThat(cleaner.cleanDirtiest(List.of(log))).isNull();
            release.countDown();
            holder.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        assertThat(cleaner.cleanedOffset(log)).isZero();
        assertThat(cleaner.clean(log).cleanedUpTo()).isEqualTo(log.logEndOffset());
    }
}
