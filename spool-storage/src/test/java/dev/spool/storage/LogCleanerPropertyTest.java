package dev.spool.storage;

import static dev.spool.storage.CleanerTestSupport.latest;
import static dev.spool.storage.CleanerTestSupport.model;
import static dev.spool.storage.CleanerTestSupport.offsets;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.storage.CleanerTestSupport.Write;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * For any sequence of keyed writes and tombstones in small segments, cleaning (with a key map of any
 * size, so possibly in several passes, and possibly between writes) keeps the key → latest value map
 * read from offset 0 (tombstones within {@code delete.retention.ms} included), keeps offsets strictly
 * increasing and the log end offset unchanged, and the log reads and appends after a clean and an
 * unclean reopen.
 */
class LogCleanerPropertyTest {
    private static final long T0 = 1_700_000_000_000L;

    @Provide
    Arbitrary<List<Write>> writes() {
        Arbitrary<String> keys = Arbitraries.integers().between(0, 7).map(i -> "key" + i);
        Arbitrary<String> values = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.just((String) null)),
                net.jqwik.api.Tuple.of(
                        5, Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20)));
        return Combinators.combine(keys, values)
                .as(Write::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(150);
    }

    @Property(tries = 150)
    void cleaningKeepsTheLatestValueOfEveryKey(
            @ForAll("writes") List<Write> writes,
            @ForAll @IntRange(min = 1, max = 4) int perBatch,
            @ForAll @IntRange(min = 200, max = 1200) int segmentBytes,
            @ForAll @IntRange(min = 1, max = 10) int mapEntries,
            @ForAll @IntRange(min = 0, max = 150) int cleanAfter)
            throws Exception {
        Path dir = Files.createTempDirectory("spool-cleaner");
        MockTime time = new MockTime(T0);
        LogConfig config = LogTestSupport.config(
                LogConfig.CLEANUP_POLICY,
                "compact",
                LogConfig.SEGMENT_BYTES,
                segmentBytes,
                LogConfig.SEGMENT_INDEX_BYTES,
                1024);
        LogCleaner cleaner = new LogCleaner(time, mapEntries);
        try {
            Log log = LogTestSupport.open(dir, config, time, LogLoader.LoadParams.FRESH);
            List<Write> written = new ArrayList<>();
            for (int i = 0; i < writes.size(); i += perBatch) {
                List<Write> part = writes.subList(i, Math.min(writes.size(), i + perBatch));
                log.appendAsLeader(CleanerTestSupport.batch(T0 + i, part), 0);
                written.addAll(part);
                if (i <= cleanAfter && cleanAfter < i + perBatch) {
                    log.updateHighWatermark(log.logEndOffset());
                    cleanFully(cleaner, log);
                    assertThat(latest(log)).isEqualTo(model(written));
                }
            }
            log.roll();
            log.updateHighWatermark(log.logEndOffset());
            long end = log.logEndOffset();
            time.sleep(1);
            cleanFully(cleaner, log);
            check(log, written, end);

            // Clean reopen, then an append.
            log.close();
            log = LogTestSupport.open(dir, config, time, new LogLoader.LoadParams(true, end, 0, end));
            check(log, written, end);
            List<Write> more = List.of(new Write("key0", "after"));
            log.appendAsLeader(CleanerTestSupport.batch(T0, more), 0);
            written.addAll(more);
            log.flush();
            long end2 = log.logEndOffset();
            assertThat(end2).isEqualTo(end + 1);

            // Unclean reopen: everything recovered.
            log.closeWithoutSealing();
            log = LogTestSupport.open(dir, config, time, new LogLoader.LoadParams(false, 0, 0, end2));
            check(log, written, end2);
            log.close();
        } finally {
            deleteRecursively(dir);
        }
    }

    private static void cleanFully(LogCleaner cleaner, Log log) throws IOException {
        for (int pass = 0; pass < 1000; pass++) {
            LogCleaner.Stats s = cleaner.clean(log);
            if (s.cleanedUpTo() < 0) {
                return;
            }
        }
        throw new AssertionError("cleaning does not finish");
    }

    private static void check(Log log, List<Write> written, long end) throws IOException {
        assertThat(log.logEndOffset()).isEqualTo(end);
        assertThat(latest(log)).isEqualTo(model(written));
        List<Long> offsets = offsets(log);
        for (int i = 1; i < offsets.size(); i++) {
            assertThat(offsets.get(i)).isGreaterThan(offsets.get(i - 1));
        }
        assertThat(offsets).allMatch(o -> o < end);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
