package dev.spool.storage;

import static dev.spool.storage.CrashFixture.logFile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.protocol.record.BatchBuilder;
import dev.spool.protocol.record.RecordBatch;
import dev.spool.protocol.record.SimpleRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery of a segment larger than {@link LogRecovery#CHUNK_BYTES}, which is read in chunks: batches
 * laid out so that one chunk ends inside a batch's length field, another inside a batch header, and a
 * batch larger than a whole chunk follows. Cuts and flipped bytes around the chunk edges must still keep
 * exactly the whole batches before the damage.
 */
@Tag("slow")
class LogLargeSegmentRecoveryTest {
    private static final int CHUNK = LogRecovery.CHUNK_BYTES;
    private static final LogConfig CONFIG = LogTestSupport.config(
            LogConfig.SEGMENT_BYTES, 64 << 20,
            LogConfig.MAX_MESSAGE_BYTES, 16 << 20,
            LogConfig.INDEX_INTERVAL_BYTES, 4096);

    @TempDir
    Path tmp;

    @Test
    void damageAroundChunkEdgesKeepsTheBatchesBeforeIt() throws IOException {
        Planner plan = new Planner();
        plan.fillTo(CHUNK - 5); // fewer than a length field's bytes left in the first chunk
        plan.add(200_000); // straddles the first chunk edge
        plan.fillTo(2 * CHUNK - 30); // a length field but not a whole header left in the second chunk
        int bigStart = plan.position;
        plan.addBig(3, 3 << 20); // larger than a chunk
        int bigEnd = plan.position;
        for (int i = 0; i < 20; i++) {
            plan.add(100_000 + i * 997);
        }
        CrashFixture f = CrashFixture.write(tmp, CONFIG, List.of(plan.batches));
        long base = f.segmentBases.get(0);
        byte[] original = f.files.get(logFile(base));
        assertThat(original.length).isGreaterThan(3 * CHUNK);
        assertThat(f.batches.stream().anyMatch(b -> b.position() == CHUNK - 5)).isTrue();
        assertThat(f.batches.stream().anyMatch(b -> b.position() == 2 * CHUNK - 30 && b.size() > CHUNK))
                .isTrue();

        // Nothing damaged: everything is kept.
        Path intact = tmp.resolve("intact");
        CrashFixture.restore(intact, f.files);
        f.recoverAndCheck(intact, f.prefix(f.model.logEndOffset));

        TreeSet<Integer> cuts = new TreeSet<>();
        for (int edge : new int[] {CHUNK - 5, CHUNK, 2 * CHUNK - 30, 2 * CHUNK, bigStart, bigEnd, 3 * CHUNK}) {
            for (int d : new int[] {-1, 0, 1, RecordBatch.LOG_OVERHEAD, RecordBatch.HEADER_SIZE}) {
                cuts.add(edge + d);
            }
        }
        cuts.add(bigEnd - 1);
        cuts.add(original.length - 1);
        for (int cut : cuts) {
            Map<String, byte[]> files = f.copyOfFiles();
            files.put(logFile(base), Arrays.copyOf(original, cut));
            Path root = tmp.resolve("cut-" + cut);
            CrashFixture.restore(root, files);
            try {
                f.recoverAndCheck(root, f.expectedAfterDamage(base, cut));
            } catch (AssertionError e) {
                throw new AssertionError("cut at " + cut, e);
            }
            LogStatefulPropertyTest.deleteRecursively(root);
        }

        // Bytes the checks cover (not a base offset or leader epoch): the straddling batch's length field
        // (split by the chunk edge) and CRC, record bytes, the big batch's header and last byte.
        int straddler = CHUNK - 5;
        int[] flips = {
            straddler + RecordBatch.LENGTH_OFFSET,
            straddler + RecordBatch.LENGTH_OFFSET + 3,
            straddler + RecordBatch.CRC_OFFSET,
            CHUNK + 1000,
            bigStart + RecordBatch.BASE_TIMESTAMP_OFFSET,
            2 * CHUNK + 5,
            bigEnd - 1,
            bigEnd + 100
        };
        for (int at : flips) {
            Map<String, byte[]> files = f.copyOfFiles();
            files.get(logFile(base))[at] ^= 0x40;
            Path root = tmp.resolve("flip-" + at);
            CrashFixture.restore(root, files);
            try {
                f.recoverAndCheck(root, f.expectedAfterDamage(base, at));
            } catch (AssertionError e) {
                throw new AssertionError("byte flipped at " + at, e);
            }
            LogStatefulPropertyTest.deleteRecursively(root);
        }
    }

    /** Lays out batches of exact sizes. */
    private static final class Planner {
        final List<List<SimpleRecord>> batches = new ArrayList<>();
        int position;
        int tag;

        /** Adds ~100 KB batches, then one of the exact size that makes the next batch start at {@code target}. */
        void fillTo(int target) {
            while (target - position > 250_000) {
                add(100_000 + (tag * 7919) % 50_000);
            }
            add(target - position);
            assertThat(position).isEqualTo(target);
        }

        /** Adds a one-record batch of exactly {@code size} bytes. */
        void add(int size) {
            String name = "big" + tag;
            long ts = CrashFixture.START_MS + tag;
            for (int v = Math.max(0, size - RecordBatch.HEADER_SIZE - 40); v <= size; v++) {
                List<SimpleRecord> records = LogModel.records(name, new int[] {v}, new long[] {ts});
                if (BatchBuilder.build(records).remaining() == size) {
                    batches.add(records);
                    position += size;
                    tag++;
                    return;
                }
            }
            throw new IllegalStateException("no one-record batch of exactly " + size + " bytes");
        }

        /** Adds a batch of {@code count} records of {@code valueSize} bytes each. */
        void addBig(int count, int valueSize) {
            int[] sizes = new int[count];
            long[] timestamps = new long[count];
            Arrays.fill(sizes, valueSize);
            for (int i = 0; i < count; i++) {
                timestamps[i] = CrashFixture.START_MS + tag + i;
            }
            List<SimpleRecord> records = LogModel.records("huge" + tag, sizes, timestamps);
            batches.add(records);
            position += BatchBuilder.build(records).remaining();
            tag += count;
        }
    }
}
