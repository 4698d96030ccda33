package dev.spool.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.storage.Log;
import dev.spool.storage.LogCleaner;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives each benchmark's set-up, operation and tear-down by hand at tiny sizes (JMH is not involved):
 * the operations do what they claim, disk use stays within the budget, and tear-down removes
 * everything.
 */
class BenchmarkLifecycleTest {
    private static final int BATCH = 10240;
    private static final int RECORDS = Batches.recordCount(BATCH);

    @TempDir
    Path root;

    private String savedProperty;

    @BeforeEach
    void pointBenchDirsAtTempDir() {
        savedProperty = System.getProperty(BenchDirs.DIR_PROPERTY);
        System.setProperty(BenchDirs.DIR_PROPERTY, root.toString());
    }

    @AfterEach
    void restoreProperty() {
        if (savedProperty == null) {
            System.clearProperty(BenchDirs.DIR_PROPERTY);
        } else {
            System.setProperty(BenchDirs.DIR_PROPERTY, savedProperty);
        }
    }

    @Test
    void appendRoundRobinsAndEmptiesALogThatHasTakenItsShare() throws IOException {
        AppendBenchmark bench = new AppendBenchmark();
        bench.batchBytes = BATCH;
        bench.partitions = 3;
        bench.budgetBytes = 3L * 5 * BATCH; // each log holds at most 5 batches
        bench.setUp();
        ByteCounter counter = new ByteCounter();
        Path dir = bench.dir();
        long last = -1;
        for (int i = 0; i < 3 * 7 + 1; i++) { // log 0: 8 appends, logs 1 and 2: 7 each
            last = bench.append(counter);
        }
        Log[] logs = bench.logs();

        assertThat(last).isEqualTo(3L * RECORDS - 1); // log 0's 8th append is its 3rd after the reset at 5
        assertThat(logs[0].logEndOffset()).isEqualTo(3L * RECORDS);
        assertThat(logs[1].logEndOffset()).isEqualTo(2L * RECORDS);
        assertThat(logs[2].logEndOffset()).isEqualTo(2L * RECORDS);
        for (Log log : logs) {
            assertThat(log.size()).isLessThanOrEqualTo(5L * BATCH);
        }
        assertThat(counter.bytes).isEqualTo(22L * BATCH);

        bench.tearDown();
        assertThat(dir).doesNotExist();
    }

    @Test
    void rawWriteAppendsTheSameBytesAndReplacesAFileAtItsShare() throws IOException {
        RawWriteBenchmark bench = new RawWriteBenchmark();
        bench.batchBytes = BATCH;
        bench.partitions = 2;
        bench.budgetBytes = 2L * 4 * BATCH;
        bench.setUp();
        ByteCounter counter = new ByteCounter();
        Path dir = bench.dir();
        for (int i = 0; i < 2 * 6 + 1; i++) { // file 0: 7 writes, file 1: 6
            bench.write(counter);
        }
        FileChannel[] files = bench.files();

        assertThat(files[0].size()).isEqualTo(3L * BATCH); // replaced after 4, then 3 more
        assertThat(files[1].size()).isEqualTo(2L * BATCH); // replaced after 4, then 2 more
        assertThat(counter.bytes).isEqualTo(13L * BATCH);

        bench.tearDown();
        assertThat(dir).doesNotExist();
    }

    @Test
    void logReadAndRawTransferMoveTheSameRangesCoveringTheWholeLog() throws IOException {
        ReadBenchmark bench = new ReadBenchmark();
        bench.logMb = 3;
        bench.setUp();
        Path dir = bench.dir();
        int[] sizes = bench.fetchSizes();
        long batches = ((3L << 20) + BATCH - 1) / BATCH;

        assertThat(Arrays.stream(sizes).asLongStream().sum()).isEqualTo(batches * BATCH);
        assertThat(Arrays.stream(sizes).boxed())
                .allSatisfy(s -> assertThat(s).isBetween(BATCH, ReadBenchmark.FETCH_MAX_BYTES));
        ByteCounter logBytes = new ByteCounter();
        ByteCounter rawBytes = new ByteCounter();
        for (int round = 0; round < 2; round++) {
            for (int size : sizes) {
                assertThat(bench.logRead(logBytes)).isEqualTo(size);
            }
        }
        for (int round = 0; round < 2; round++) {
            for (int size : sizes) {
                assertThat(bench.rawTransferTo(rawBytes)).isEqualTo(size);
            }
        }
        assertThat(logBytes.bytes).isEqualTo(rawBytes.bytes).isEqualTo(2 * batches * BATCH);

        bench.tearDown();
        assertThat(dir).doesNotExist();
    }

    @Test
    void recoveryRebuildsDeletedIndexesEveryIteration() throws IOException {
        RecoveryBenchmark bench = new RecoveryBenchmark();
        bench.segmentMb = 2;
        bench.prepare();
        Path logDir = bench.logDir();
        for (int iteration = 0; iteration < 2; iteration++) {
            bench.dropIndexes();
            assertThat(indexFiles(logDir)).isEmpty();

            Log log = bench.recover();

            assertThat(log.logEndOffset()).isEqualTo(((2L << 20) + BATCH - 1) / BATCH * RECORDS);
            assertThat(log.recoveryPoint())
                    .as("recovered, so flushed to the end")
                    .isEqualTo(log.logEndOffset());
            assertThat(indexFiles(logDir)).hasSize(2);
            bench.closeRecovered(); // also fails if recovery lost data
        }

        bench.cleanUp();
        assertThat(logDir.getParent()).doesNotExist();
    }

    @Test
    void cleanerCleansAFreshCopyOfTheDirtyLogEveryIteration() throws IOException {
        CleanerBenchmark bench = new CleanerBenchmark();
        bench.logMb = 2;
        bench.uniquePercent = 10;
        bench.writeDirtyLog();
        for (int iteration = 0; iteration < 2; iteration++) {
            bench.copyDirtyLog();
            LogCleaner.Stats stats = bench.clean();
            assertThat(stats.bytesAfter()).isLessThan(stats.bytesBefore() / 3);
            assertThat(stats.recordsRetained()).isLessThanOrEqualTo(stats.recordsRead() / 10 + 1);
            bench.closeLog(); // also fails unless the pass cleaned the whole log
        }
        bench.cleanUp();
        assertThat(bench.dir()).doesNotExist();
    }

    private static List<String> indexFiles(Path logDir) throws IOException {
        try (Stream<Path> files = Files.list(logDir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".index") || n.endsWith(".timeindex"))
                    .toList();
        }
    }

    @Test
    void requestDecodeReadsBackWhatWasEncoded() throws Exception {
        for (String request : List.of("produce-10KiB", "produce-16x10KiB", "fetch-1p", "fetch-100p")) {
            RequestDecodeBenchmark bench = new RequestDecodeBenchmark();
            bench.request = request;
            bench.setUp();
            org.apache.kafka.common.protocol.ApiMessage first = bench.decode();
            org.apache.kafka.common.protocol.ApiMessage again = bench.decode(); // the frame is not consumed
            assertThat(again).isEqualTo(first);
            if (first instanceof org.apache.kafka.common.message.ProduceRequestData produce) {
                int partitions = request.startsWith("produce-16") ? 16 : 1;
                assertThat(produce.topicData().iterator().next().partitionData())
                        .hasSize(partitions);
                assertThat(dev.spool.protocol.adapter.ProduceRecords.buffer(produce.topicData()
                                        .iterator()
                                        .next()
                                        .partitionData()
                                        .get(0))
                                .remaining())
                        .isEqualTo(RequestDecodeBenchmark.BATCH_BYTES);
            } else {
                org.apache.kafka.common.message.FetchRequestData fetch =
                        (org.apache.kafka.common.message.FetchRequestData) first;
                assertThat(fetch.topics().get(0).partitions()).hasSize(request.equals("fetch-1p") ? 1 : 100);
            }
        }
    }

    @Test
    void fetchAssemblyReadsThreeBatchesPerPartitionAndCleansUp() throws IOException {
        FetchAssemblyBenchmark bench = new FetchAssemblyBenchmark();
        bench.partitions = 4;
        bench.setUp();
        for (int i = 0; i < FetchAssemblyBenchmark.BATCHES_PER_LOG; i++) { // wraps around once
            int result = bench.assemble();
            // 4 slices of 3 batches each, plus the encoded fields around them
            assertThat(result).isGreaterThan(4 * FetchAssemblyBenchmark.PARTITION_MAX_BYTES);
            assertThat(result).isLessThan(4 * FetchAssemblyBenchmark.PARTITION_MAX_BYTES + 1024);
        }
        bench.tearDown();
        try (Stream<Path> left = Files.list(root)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void measuresBothSidesInAlternatingBlocksAndLeavesNothingBehind() throws Exception {
        // Tiny: 3 logs of at most 4 batches each, so both sides empty and replace files in every block.
        AppendVsRaw.Block[][] blocks = AppendVsRaw.measure(10240, 3, 3, 20_000_000L, 10_000_000L, 3L * 4 * 10240);
        assertThat(blocks).hasNumberOfRows(3);
        for (AppendVsRaw.Block[] pair : blocks) {
            assertThat(pair).hasSize(2);
            for (AppendVsRaw.Block b : pair) {
                assertThat(b.opsPerSecond()).isPositive();
                assertThat(b.userNanos() + b.systemNanos()).isPositive();
            }
        }
        try (Stream<Path> left = Files.list(root)) {
            assertThat(left).isEmpty(); // both directories removed, every deletion done
        }
    }
}
