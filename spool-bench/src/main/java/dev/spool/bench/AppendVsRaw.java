package dev.spool.bench;

import dev.spool.common.SuppressForbidden;
import dev.spool.common.Time;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Issue 2's append target (append ≥ 85 % of raw writes) measured so that the drift of a shared machine
 * falls on both sides alike: {@link AppendBenchmark#append} and {@link RawWriteBenchmark#write} (same
 * parameters, same code, each with its own directory, disk budget and background deleter) run on one
 * thread of one JVM in alternating blocks of a few seconds, in the order A B B A A B ..., after a
 * warm-up of both; each block starts once both sides' background deletions are done, and each side has
 * half the usual disk budget, so that together they keep as many dirty pages as one JMH fork. Each
 * adjacent pair of blocks gives a ratio (append ops/s over raw ops/s); the result is the median of those
 * ratios with their quartiles, and each side's median MB/s and user and system time per operation.
 *
 * <p>Why beside the JMH pair: on this kind of machine the kernel's share of a write (the page-cache
 * copy, ~85 % of it) drifts by ±10 % over tens of seconds, so two JMH forks a minute apart disagree by
 * more than the gap being measured. Blocks seconds apart see the same machine.
 *
 * <pre>java -cp spool-bench/target/spool-benchmarks.jar dev.spool.bench.AppendVsRaw 10240 1 20 2</pre>
 *
 * Arguments: batch bytes, partitions (logs or files), pairs of blocks (default 20), seconds per block
 * (default 2).
 */
public final class AppendVsRaw {
    private static final Time TIME = Time.SYSTEM;
    private static final long WARM_UP_NANOS = 4_000_000_000L;
    private static final int WARM_UP_ROUNDS = 2;

    private AppendVsRaw() {}

    /** Waits for a side's background file deletions. */
    @FunctionalInterface
    private interface Drain {
        void await() throws IOException;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 4) {
            throw new IllegalArgumentException(
                    "usage: AppendVsRaw BATCH_BYTES PARTITIONS [PAIRS (20)] [SECONDS_PER_BLOCK (2)]");
        }
        int batchBytes = Integer.parseInt(args[0]);
        int partitions = Integer.parseInt(args[1]);
        int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        long blockNanos = (args.length > 3 ? Long.parseLong(args[3]) : 2) * 1_000_000_000L;
        if (pairs < 1 || blockNanos <= 0) {
            throw new IllegalArgumentException("pairs and seconds per block must be positive");
        }
        // Each side gets half the usual budget: both live at once, and together they then keep as many
        // dirty pages as one JMH fork does.
        report(
                batchBytes,
                partitions,
                measure(batchBytes, partitions, pairs, blockNanos, WARM_UP_NANOS, BenchDirs.WRITE_BUDGET_BYTES / 2));
    }

    /** Sets up both sides with {@code budgetPerSide} bytes of disk each, runs the blocks, tears down. */
    static Block[][] measure(
            int batchBytes, int partitions, int pairs, long blockNanos, long warmUpNanos, long budgetPerSide)
            throws IOException {
        AppendBenchmark append = AppendBenchmark.setUpFor(batchBytes, partitions, budgetPerSide);
        try {
            RawWriteBenchmark raw = RawWriteBenchmark.setUpFor(batchBytes, partitions, budgetPerSide);
            try {
                Drain both = () -> {
                    append.awaitDeletions();
                    raw.awaitDeletions();
                };
                return run(append::append, raw::write, both, pairs, blockNanos, warmUpNanos);
            } finally {
                raw.tearDown();
            }
        } finally {
            append.tearDown();
        }
    }

    /** One block of one side: operations per second, and the thread's user and system time per operation. */
    record Block(double opsPerSecond, double userNanos, double systemNanos) {}

    /** Per pair: the append block, then the raw block. */
    private static Block[][] run(WriteOp append, WriteOp raw, Drain drain, int pairs, long blockNanos, long warmUpNanos)
            throws IOException {
        ByteCounter counter = new ByteCounter();
        for (int i = 0; i < WARM_UP_ROUNDS; i++) {
            block(append, warmUpNanos, counter);
            block(raw, warmUpNanos, counter);
        }
        Block[][] blocks = new Block[pairs][2];
        for (int i = 0; i < pairs; i++) {
            boolean appendFirst = i % 2 == 0; // A B, B A, A B, ...
            // Every block starts with no deletion left over from the block before (the other side's
            // would otherwise take the spare core and memory bandwidth from this one).
            drain.await();
            Block first = block(appendFirst ? append : raw, blockNanos, counter);
            drain.await();
            Block second = block(appendFirst ? raw : append, blockNanos, counter);
            blocks[i][0] = appendFirst ? first : second;
            blocks[i][1] = appendFirst ? second : first;
        }
        return blocks;
    }

    /** Runs {@code op} for about {@code nanos}. */
    private static Block block(WriteOp op, long nanos, ByteCounter counter) throws IOException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long user0 = threads.getCurrentThreadUserTime();
        long start = TIME.nanoseconds();
        long end = start + nanos;
        long ops = 0;
        long now;
        do {
            for (int i = 0; i < 8; i++) {
                op.run(counter);
            }
            ops += 8;
            now = TIME.nanoseconds();
        } while (now < end);
        double user = (double) (threads.getCurrentThreadUserTime() - user0) / ops;
        double cpu = (double) (threads.getCurrentThreadCpuTime() - cpu0) / ops;
        return new Block(ops * 1e9 / (now - start), user, cpu - user);
    }

    @SuppressForbidden(reason = "a command-line measurement prints its result")
    private static void report(int batchBytes, int partitions, Block[][] blocks) {
        int n = blocks.length;
        double[] ratio = new double[n];
        StringBuilder each = new StringBuilder();
        for (int i = 0; i < n; i++) {
            ratio[i] = blocks[i][0].opsPerSecond() / blocks[i][1].opsPerSecond();
            each.append(String.format(Locale.ROOT, " %.3f", ratio[i]));
        }
        System.out.printf(
                Locale.ROOT,
                "batchBytes %d, logs %d, %d pairs: ratio median %.3f, quartiles %.3f–%.3f, min %.3f, max %.3f%n"
                        + "  per pair:%s%n",
                batchBytes,
                partitions,
                n,
                quantile(ratio, 0.5),
                quantile(ratio, 0.25),
                quantile(ratio, 0.75),
                quantile(ratio, 0),
                quantile(ratio, 1),
                each);
        String[] sides = {"append", "raw"};
        for (int side = 0; side < 2; side++) {
            int k = side;
            System.out.printf(
                    Locale.ROOT,
                    "  %-6s medians: %6.0f MB/s, user %8.0f ns/op, system %8.0f ns/op%n",
                    sides[side],
                    quantile(column(blocks, k, Block::opsPerSecond), 0.5) * batchBytes / 1e6,
                    quantile(column(blocks, k, Block::userNanos), 0.5),
                    quantile(column(blocks, k, Block::systemNanos), 0.5));
        }
    }

    private static double[] column(Block[][] blocks, int side, ToDoubleFunction<Block> field) {
        double[] out = new double[blocks.length];
        for (int i = 0; i < blocks.length; i++) {
            out[i] = field.applyAsDouble(blocks[i][side]);
        }
        return out;
    }

    /** The {@code q} quantile (linear between neighbours) of {@code values}. */
    static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double at = q * (sorted.length - 1);
        int lo = (int) Math.floor(at);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
    }
}
