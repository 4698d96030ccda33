package dev.spool.storage;

import static dev.spool.storage.CleanerTestSupport.latest;
import static dev.spool.storage.CleanerTestSupport.model;
import static dev.spool.storage.CleanerTestSupport.offsets;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.storage.CleanerTestSupport.Write;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A crash at each step of the cleaner's segment replacement: the files are left as they would be
 * after that step (earlier segments of the pass swapped, later ones untouched), then the log is
 * loaded, after a clean and an unclean stop. The key → value map must equal the one before
 * cleaning, the segment being swapped must be wholly old or wholly new, and nothing may be lost.
 */
class LogCleanerCrashTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final String LOG = LogSegment.LOG_SUFFIX;
    private static final String INDEX = LogSegment.INDEX_SUFFIX;
    private static final String TIME_INDEX = LogSegment.TIME_INDEX_SUFFIX;
    private static final String CLEANED = LogSegment.CLEANED_SUFFIX;
    private static final String SWAP = LogSegment.SWAP_SUFFIX;
    private static final String DELETED = LogSegment.DELETED_SUFFIX;

    /** Where the replacement of one segment stopped. */
    enum Step {
        CLEANED_LOG_HALF_WRITTEN(false),
        CLEANED_WRITTEN(false),
        INDEXES_RENAMED_SWAP(false),
        SWAP_COMMITTED(true),
        OLD_LOG_RENAMED_DELETED(true),
        OLD_ALL_RENAMED_DELETED(true),
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
    private List<Write> writes;
    private long end;
    private Path before;
    private Path after;
    private List<Long> cleanedBases;

    @BeforeEach
    void cleanACopy() throws Exception {
        writes = new ArrayList<>();
        Random random = new Random(3);
        for (int i = 0; i < 300; i++) {
            String key = "k" + random.nextInt(12);
            writes.add(new Write(key, random.nextInt(10) == 0 ? null : "v" + i));
        }
        before = tmp.resolve("before");
        try (Log log = LogTestSupport.open(before, config, time, LogLoader.LoadParams.FRESH)) {
            for (int i = 0; i < writes.size(); i += 2) {
                log.appendAsLeader(CleanerTestSupport.batch(T0, writes.subList(i, i + 2)), 0);
            }
            log.roll();
            log.updateHighWatermark(log.logEndOffset());
            end = log.logEndOffset();
            log.flush();
        }
        after = tmp.resolve("after");
        copy(before, after);
        try (Log log = LogTestSupport.open(after, config, time, cleanParams())) {
            LogCleaner.Stats stats = new LogCleaner(time, 100).clean(log);
            assertThat(stats.segmentsRewritten()).isGreaterThan(2);
            assertThat(latest(log)).isEqualTo(model(writes));
        }
        cleanedBases = new ArrayList<>();
        for (String name : LogTestSupport.fileNames(partition(before))) {
            if (name.endsWith(LOG)
                    && !Arrays.equals(
                            Files.readAllBytes(partition(before).resolve(name)),
                            Files.readAllBytes(partition(after).resolve(name)))) {
                cleanedBases.add(LogFiles.baseOffsetOf(Path.of(name), LOG));
            }
        }
        assertThat(cleanedBases).hasSizeGreaterThan(2);
    }

    private LogLoader.LoadParams cleanParams() {
        return new LogLoader.LoadParams(true, end, 0, end);
    }

    static Stream<Arguments> steps() {
        List<Arguments> out = new ArrayList<>();
        for (Step step : Step.values()) {
            for (boolean cleanStop : new boolean[] {true, false}) {
                for (int which : new int[] {0, 1, -1}) { // first, second, last segment of the pass
                    out.add(Arguments.of(step, cleanStop, which));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}, clean stop {1}, segment {2}")
    @MethodSource("steps")
    void crashAtEachStepRecoversToOldOrNewSegmentsWithTheSameContent(Step step, boolean cleanStop, int which)
            throws Exception {
        int j = which < 0 ? cleanedBases.size() - 1 : which;
        Path crashed = tmp.resolve("crashed");
        copy(before, crashed);
        Path from = partition(after);
        Path to = partition(crashed);
        for (int i = 0; i < j; i++) { // earlier segments of the pass are swapped
            long base = cleanedBases.get(i);
            for (String s : new String[] {LOG, INDEX, TIME_INDEX}) {
                copyFile(from, base, s, to, base, s);
            }
        }
        long base = cleanedBases.get(j);
        leaveFilesAfter(step, from, to, base);

        LogLoader.LoadParams params = cleanStop ? cleanParams() : new LogLoader.LoadParams(false, 0, 0, end);
        List<Long> expectedOffsets = expectedOffsets(j, step.expectNew);
        try (Log log = LogTestSupport.open(crashed, config, time, params)) {
            assertThat(log.logEndOffset()).isEqualTo(end);
            assertThat(latest(log)).isEqualTo(model(writes));
            assertThat(offsets(log)).isEqualTo(expectedOffsets);
            assertThat(LogTestSupport.fileNames(to))
                    .allMatch(n -> n.endsWith(LOG)
                            || n.endsWith(INDEX)
                            || n.endsWith(TIME_INDEX)
                            || n.endsWith(ProducerStateSnapshot.SUFFIX));
            log.appendAsLeader(CleanerTestSupport.batch(T0, List.of(new Write("k0", "later"))), 0);
            log.flush();
        }
        try (Log log = LogTestSupport.open(crashed, config, time, new LogLoader.LoadParams(false, 0, 0, end + 1))) {
            assertThat(log.logEndOffset()).isEqualTo(end + 1);
            assertThat(latest(log)).containsEntry("k0", "later");
            Map<String, String> expected = new java.util.TreeMap<>(model(writes));
            expected.put("k0", "later");
            assertThat(latest(log)).isEqualTo(expected);
        }
    }

    /** The offsets the log should hold with segments before {@code j} new and segment j new or old. */
    private List<Long> expectedOffsets(int j, boolean jNew) throws IOException {
        Path reference = tmp.resolve("reference-" + j + "-" + jNew);
        copy(before, reference);
        for (int i = 0; i < j + (jNew ? 1 : 0); i++) {
            long base = cleanedBases.get(i);
            for (String s : new String[] {LOG, INDEX, TIME_INDEX}) {
                copyFile(partition(after), base, s, partition(reference), base, s);
            }
        }
        try (Log log = LogTestSupport.open(reference, config, time, cleanParams())) {
            return offsets(log);
        }
    }

    private void leaveFilesAfter(Step step, Path from, Path to, long base) throws IOException {
        switch (step) {
            case CLEANED_LOG_HALF_WRITTEN:
                copyFile(from, base, INDEX, to, base, INDEX + CLEANED);
                byte[] log = Files.readAllBytes(from.resolve(LogFiles.fileName(base, LOG)));
                Files.write(to.resolve(LogFiles.fileName(base, LOG + CLEANED)), Arrays.copyOf(log, log.length / 2));
                break;
            case CLEANED_WRITTEN:
                copyNew(from, to, base, CLEANED, CLEANED, CLEANED);
                break;
            case INDEXES_RENAMED_SWAP:
                copyNew(from, to, base, SWAP, SWAP, CLEANED);
                break;
            case SWAP_COMMITTED:
                copyNew(from, to, base, SWAP, SWAP, SWAP);
                break;
            case OLD_LOG_RENAMED_DELETED:
                copyNew(from, to, base, SWAP, SWAP, SWAP);
                renameOld(to, base, LOG);
                break;
            case OLD_ALL_RENAMED_DELETED:
                copyNew(from, to, base, SWAP, SWAP, SWAP);
                renameOld(to, base, LOG, INDEX, TIME_INDEX);
                break;
            case NEW_INDEXES_FINAL_LOG_STILL_SWAP:
                renameOld(to, base, LOG, INDEX, TIME_INDEX);
                copyNew(from, to, base, "", "", SWAP);
                break;
            case DONE:
                renameOld(to, base, LOG, INDEX, TIME_INDEX);
                copyNew(from, to, base, "", "", "");
                break;
            default:
                throw new IllegalStateException();
        }
    }

    private static void copyNew(Path from, Path to, long base, String indexSuffix, String timeSuffix, String logSuffix)
            throws IOException {
        copyFile(from, base, INDEX, to, base, INDEX + indexSuffix);
        copyFile(from, base, TIME_INDEX, to, base, TIME_INDEX + timeSuffix);
        copyFile(from, base, LOG, to, base, LOG + logSuffix);
    }

    private static void renameOld(Path dir, long base, String... suffixes) throws IOException {
        for (String s : suffixes) {
            Files.move(dir.resolve(LogFiles.fileName(base, s)), dir.resolve(LogFiles.fileName(base, s) + DELETED));
        }
    }

    private static void copyFile(Path from, long fromBase, String fromSuffix, Path to, long toBase, String toSuffix)
            throws IOException {
        Files.copy(
                from.resolve(LogFiles.fileName(fromBase, fromSuffix)),
                to.resolve(LogFiles.fileName(toBase, toSuffix)),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
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
                    Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
