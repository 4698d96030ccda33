package dev.spool.bench;

import dev.spool.common.SuppressForbidden;
import dev.spool.common.Time;
import java.io.Closeable;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * Where the time of one append goes, beside one raw write: runs {@link AppendBenchmark} and
 * {@link RawWriteBenchmark} (same parameters, same code) in turn on this thread, several rounds, and
 * prints per operation the wall time and the thread's CPU time split into user (Java) and system
 * (the kernel's {@code pwrite}) time. Not a JMH benchmark: a diagnostic for the append-vs-raw gap,
 * which shows whether the log's extra cost is in its own code or in the writes.
 *
 * <pre>java -cp spool-bench/target/spool-benchmarks.jar dev.spool.bench.AppendCpuSplit 10240 1 10 3</pre>
 *
 * Arguments: batch bytes, partitions, seconds measured per side and round (after 5 s of warm-up), rounds,
 * and optionally the sides to run ({@code append,raw} by default; one side alone gives it a JVM of its own).
 */
public final class AppendCpuSplit {
    private static final Time TIME = Time.SYSTEM;
    private static final long WARM_UP_NANOS = 5_000_000_000L;
    private static final int OPS_PER_CLOCK_READ = 100;

    private AppendCpuSplit() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 4 && args.length != 5) {
            throw new IllegalArgumentException(
                    "usage: AppendCpuSplit BATCH_BYTES PARTITIONS SECONDS ROUNDS [append,raw|append|raw]");
        }
        String sides = args.length == 5 ? args[4] : "append,raw";
        int batchBytes = Integer.parseInt(args[0]);
        int partitions = Integer.parseInt(args[1]);
        long measureNanos = Long.parseLong(args[2]) * 1_000_000_000L;
        int rounds = Integer.parseInt(args[3]);
        for (int round = 0; round < rounds; round++) {
            if (sides.contains("append")) {
                appendRound(batchBytes, partitions, measureNanos, round);
            }
            if (sides.contains("raw")) {
                rawRound(batchBytes, partitions, measureNanos, round);
            }
        }
    }

    private static void appendRound(int batchBytes, int partitions, long measureNanos, int round) throws IOException {
        AppendBenchmark append = AppendBenchmark.setUpFor(batchBytes, partitions, BenchDirs.WRITE_BUDGET_BYTES);
        measureAndReport("append", round, append::append, measureNanos, append::tearDown);
    }

    private static void rawRound(int batchBytes, int partitions, long measureNanos, int round) throws IOException {
        RawWriteBenchmark raw = RawWriteBenchmark.setUpFor(batchBytes, partitions, BenchDirs.WRITE_BUDGET_BYTES);
        measureAndReport("raw", round, raw::write, measureNanos, raw::tearDown);
    }

    private static void measureAndReport(String side, int round, WriteOp op, long measureNanos, Closeable tearDown)
            throws IOException {
        try {
            report(side, round, measure(op, measureNanos));
        } finally {
            tearDown.close();
        }
    }

    /** Nanoseconds per operation: wall, CPU, user. */
    private record Split(long ops, double wall, double cpu, double user) {}

    private static Split measure(WriteOp op, long measureNanos) throws IOException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        ByteCounter counter = new ByteCounter();
        long warmEnd = TIME.nanoseconds() + WARM_UP_NANOS;
        while (TIME.nanoseconds() < warmEnd) {
            for (int i = 0; i < OPS_PER_CLOCK_READ; i++) {
                op.run(counter);
            }
        }
        long cpu0 = threads.getCurrentThreadCpuTime();
        long user0 = threads.getCurrentThreadUserTime();
        long start = TIME.nanoseconds();
        long end = start + measureNanos;
        long ops = 0;
        while (TIME.nanoseconds() < end) {
            for (int i = 0; i < OPS_PER_CLOCK_READ; i++) {
                op.run(counter);
            }
            ops += OPS_PER_CLOCK_READ;
        }
        long wall = TIME.nanoseconds() - start;
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        long user = threads.getCurrentThreadUserTime() - user0;
        return new Split(ops, (double) wall / ops, (double) cpu / ops, (double) user / ops);
    }

    @SuppressForbidden(reason = "a command-line diagnostic prints its table")
    private static void report(String side, int round, Split s) {
        System.out.printf(
                Locale.ROOT,
                "%-6s round %d: %,9.0f ops/s  wall %5.0f ns/op  cpu %5.0f  user %5.0f  system %5.0f%n",
                side,
                round,
                1e9 / s.wall(),
                s.wall(),
                s.cpu(),
                s.user(),
                s.cpu() - s.user());
    }
}
