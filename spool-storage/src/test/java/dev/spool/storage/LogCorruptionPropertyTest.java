package dev.spool.storage;

import static dev.spool.storage.CrashFixture.logFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random bytes flipped anywhere the recovery checks cover (every byte but a batch's base offset and
 * leader epoch, which no CRC protects), in any of three segments, with or without garbage in the index
 * files: an unclean restart keeps exactly the batches before the first damaged one, drops the later
 * segments, agrees with the model on every read and timestamp lookup, and takes new appends.
 */
class LogCorruptionPropertyTest {
    private static Path scratch;
    private static CrashFixture fixture;

    /** One damaged byte: in segment {@code segment}, at checked position number {@code where} (per million). */
    record Flip(int segment, int where, int mask) {}

    @BeforeContainer
    static void writeFixture() throws IOException {
        scratch = Files.createTempDirectory("spool-corruption");
        fixture = CrashFixture.write(scratch, LogCorruptionTest.CONFIG, 11, 5, 6, 7);
    }

    @AfterContainer
    static void removeFixture() throws IOException {
        LogStatefulPropertyTest.deleteRecursively(scratch);
    }

    @Property(tries = 150)
    void recoveryKeepsTheBatchesBeforeTheFirstDamagedOne(
            @ForAll("flips") List<Flip> flips, @ForAll boolean garbageIndexes, @ForAll long indexSeed)
            throws IOException {
        CrashFixture f = fixture;
        Map<String, byte[]> files = f.copyOfFiles();
        for (Flip flip : flips) {
            long base = f.segmentBases.get(flip.segment());
            List<Integer> checked = f.checkedPositions(base);
            int pos = checked.get((int) ((long) flip.where() * (checked.size() - 1) / 1_000_000));
            files.get(logFile(base))[pos] ^= (byte) flip.mask();
        }
        // What recovery must keep: everything before the first byte that differs (flips may cancel).
        LogModel expected = f.prefix(f.model.logEndOffset);
        for (long base : f.segmentBases) {
            int diff = Arrays.mismatch(files.get(logFile(base)), f.files.get(logFile(base)));
            if (diff >= 0) {
                expected = f.expectedAfterDamage(base, diff);
                break;
            }
        }
        if (garbageIndexes) {
            Random random = new Random(indexSeed);
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                if (!e.getKey().endsWith(LogSegment.LOG_SUFFIX)) {
                    random.nextBytes(e.getValue());
                }
            }
        }
        Path root = Files.createTempDirectory(scratch, "try");
        try {
            CrashFixture.restore(root, files);
            f.recoverAndCheck(root, expected);
        } finally {
            LogStatefulPropertyTest.deleteRecursively(root);
        }
    }

    @Provide
    Arbitrary<List<Flip>> flips() {
        Arbitrary<Flip> flip = Combinators.combine(
                        Arbitraries.integers().between(0, 2),
                        Arbitraries.integers().between(0, 1_000_000),
                        Arbitraries.integers().between(1, 255))
                .as(Flip::new);
        return flip.list().ofMinSize(1).ofMaxSize(3);
    }
}
