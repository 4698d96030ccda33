package dev.spool.storage;

import static dev.spool.storage.CleanerTestSupport.latest;
import static dev.spool.storage.CleanerTestSupport.model;
import static dev.spool.storage.CleanerTestSupport.offsets;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.storage.CleanerTestSupport.Write;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cleaner merges a run of small cleaned segments into one; a crash at each step of that group
 * swap must recover to all the old segments of the run or to the one new segment, never a mix, with
 * the same key → value map. The files are left as each step leaves them, then the log is loaded
 * after a clean and an unclean stop.
 */
class LogCleanerMergeCrashTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final String LOG = LogSegment.LOG_SUFFIX;
    private static final String INDEX = LogSegment.INDEX_SUFFIX;
    private static final String TIME_INDEX = LogSegment.TIME_INDEX_SUFFIX;
    private static final String CLEANED = LogSegment.CLEANED_SUFFIX;
    private static final String SWAP = LogSegment.SWAP_SUFFIX;
    private static final String DELETED = LogSegment.DELETED_SUFFIX;

    /** Where the replacement of the run stopped. */
    enum Step {
        CLEANED_WRITTEN(false),
        CLEANED_INDEXES_RENAMED_SWAP(false),
        SWAP_COMMITTED(true),
        FIRST_OLD_RENAMED_DELETED(true),
        HALF_THE_OLD_RENAMED_DELETED(true),
        ALL_OLD_RENAMED_DELETED(true),
        NEW_INDEXES_FINAL_LOG_STILL_SWAP(true),
        DONE(true);

        final boolean expectNew;

        Step(boolean expectNew) {
            this.expectNew = expectNew;
        }
    }

    @TempDir
    Path tmp;

    private final MockTime time = new MockTime(T0);
    private final LogConfig config = LogTestSupport.config(
            LogConfig.CLEANUP_POLICY, "compact", LogConfig.SEGMENT_BYTES, 1024, LogConfig.SEGMENT_INDEX_BYTES, 4096);
    private final List<Write> writes = new ArrayList<>();
    private long end;
    private Path before;
    private Path after;
    /** The old segments of the first merged run, and the end of the run. */
    private List<Long> run;

    @BeforeEach
    void cleanTwice() throws Exception {
        Random random = new Random(5);
        before = tmp.resolve("before");
        try (Log log = LogTestSupport.open(before, config, time, LogLoader.LoadParams.FRESH)) {
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < 200; i += 2) {
                    List<Write> two = new ArrayList<>();
                    for (int j = 0; j < 2; j++) {
                        two.add(new Write(
                                "k" + random.nextInt(8), random.nextInt(10) == 0 ? null : "v" + round + i + j));
                    }
                    writes.addAll(two);
                    log.appendAsLeader(CleanerTestSupport.batch(T0, two), 0);
                }
                log.roll();
                log.updateHighWatermark(log.logEndOffset());
                if (round == 0) {
                    // The first pass shrinks the full segments one for one; none fit together yet.
                    new LogCleaner(time, 100).clean(log);
                }
            }
            end = log.logEndOffset();
            log.flush();
        }
        List<Long> beforeBases = bases(partition(before));
        after = tmp.resolve("after");
        copy(before, after);
        try (Log log = LogTestSupport.open(after, config, time, cleanParams())) {
            new LogCleaner(time, 100).clean(log);
            assertThat(latest(log)).isEqualTo(model(writes));
        }
        List<Long> afterBases = bases(partition(after));
        long runEnd = afterBases.size() > 1 ? afterBases.get(1) : end;
        run = beforeBases.stream().filter(b -> b < runEnd).toList();
        assertThat(afterBases.get(0)).isEqualTo(beforeBases.get(0));
        assertThat(run)
                .as("the second pass merges the small segments at the start")
                .hasSizeGreaterThan(2);
    }

    private LogLoader.LoadParams cleanParams() {
        return new LogLoader.LoadParams(true, end, 0, end);
    }

    static Stream<Arguments> steps() {
        List<Arguments> out = new ArrayList<>();
        for (Step step : Step.values()) {
            out.add(Arguments.of(step, true));
            out.add(Arguments.of(step, false));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}, clean stop {1}")
    @MethodSource("steps")
    void crashDuringAGroupSwapRecoversToAllOldOrTheNewSegment(Step step, boolean cleanStop) throws Exception {
        Path crashed = tmp.resolve("crashed");
        copy(before, crashed);
        leaveFilesAfter(step, partition(after), partition(crashed));

        LogLoader.LoadParams params = cleanStop ? cleanParams() : new LogLoader.LoadParams(false, 0, 0, end);
        List<Long> expectedOffsets = expectedOffsets(step.expectNew);
        try (Log log = LogTestSupport.open(crashed, config, time, params)) {
            assertThat(log.logEndOffset()).isEqualTo(end);
            assertThat(latest(log)).isEqualTo(model(writes));
            assertThat(offsets(log)).isEqualTo(expectedOffsets);
            List<Long> bases = log.segmentBaseOffsets();
            if (step.expectNew) {
                assertThat(bases).doesNotContainAnyElementsOf(run.subList(1, run.size()));
            } else {
                assertThat(bases).containsAll(run);
            }
            assertThat(LogTestSupport.fileNames(partition(crashed)))
                    .allMatch(n -> n.endsWith(LOG)
                            || n.endsWith(INDEX)
                            || n.endsWith(TIME_INDEX)
                            || n.endsWith(ProducerStateSnapshot.SUFFIX));
        }
    }

    private List<Long> expectedOffsets(boolean merged) throws IOException {
        Path reference = tmp.resolve("reference-" + merged);
        copy(before, reference);
        if (merged) {
            for (long b : run) {
                for (String s : new String[] {LOG, INDEX, TIME_INDEX}) {
                    Files.delete(partition(reference).resolve(LogFiles.fileName(b, s)));
                }
            }
            copyNew(partition(after), partition(reference), "", "", "");
        }
        try (Log log = LogTestSupport.open(reference, config, time, cleanParams())) {
            return offsets(log);
        }
    }

    private void leaveFilesAfter(Step step, Path from, Path to) throws IOException {
        switch (step) {
            case CLEANED_WRITTEN -> copyNew(from, to, CLEANED, CLEANED, CLEANED);
            case CLEANED_INDEXES_RENAMED_SWAP -> copyNew(from, to, SWAP, SWAP, CLEANED);
            case SWAP_COMMITTED -> copyNew(from, to, SWAP, SWAP, SWAP);
            case FIRST_OLD_RENAMED_DELETED -> {
                copyNew(from, to, SWAP, SWAP, SWAP);
                renameOld(to, run.subList(0, 1));
            }
            case HALF_THE_OLD_RENAMED_DELETED -> {
                copyNew(from, to, SWAP, SWAP, SWAP);
                renameOld(to, run.subList(0, run.size() / 2));
            }
            case ALL_OLD_RENAMED_DELETED -> {
                copyNew(from, to, SWAP, SWAP, SWAP);
                renameOld(to, run);
            }
            case NEW_INDEXES_FINAL_LOG_STILL_SWAP -> {
                renameOld(to, run);
                copyNew(from, to, "", "", SWAP);
            }
            case DONE -> {
                renameOld(to, run);
                copyNew(from, to, "", "", "");
            }
            default -> throw new IllegalStateException();
        }
    }

    private void copyNew(Path from, Path to, String indexSuffix, String timeSuffix, String logSuffix)
            throws IOException {
        long base = run.get(0);
        copyFile(
                from.resolve(LogFiles.fileName(base, INDEX)), to.resolve(LogFiles.fileName(base, INDEX) + indexSuffix));
        copyFile(
                from.resolve(LogFiles.fileName(base, TIME_INDEX)),
                to.resolve(LogFiles.fileName(base, TIME_INDEX) + timeSuffix));
        copyFile(from.resolve(LogFiles.fileName(base, LOG)), to.resolve(LogFiles.fileName(base, LOG) + logSuffix));
    }

    private static void renameOld(Path dir, List<Long> bases) throws IOException {
        for (long base : bases) {
            for (String s : new String[] {LOG, INDEX, TIME_INDEX}) {
                Files.move(
                        dir.resolve(LogFiles.fileName(base, s)),
                        dir.resolve(LogFiles.fileName(base, s) + DELETED),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static List<Long> bases(Path dir) throws IOException {
        List<Long> out = new ArrayList<>();
        for (String name : LogTestSupport.fileNames(dir)) {
            if (name.endsWith(LOG)) {
                out.add(LogFiles.baseOffsetOf(Path.of(name), LOG));
            }
        }
        out.sort(null);
        return out;
    }

    private static void copyFile(Path from, Path to) throws IOException {
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Path partition(Path root) {
        return root.resolve(LogTestSupport.TP.dirName());
    }

    private static void copy(Path src, Path dst) throws IOException {
        try (Stream<Path> files = Files.walk(src)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = dst.resolve(src.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
