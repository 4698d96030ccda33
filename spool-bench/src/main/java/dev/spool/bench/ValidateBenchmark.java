package dev.spool.bench;

import dev.spool.common.Time;
import dev.spool.protocol.record.BatchValidator;
import dev.spool.protocol.record.RecordBatch;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The produce path's batch validation in isolation ({@link BatchValidator#validate}: framing, magic,
 * CRC-32C, record count, and the walk over every record of an uncompressed batch), next to the CRC-32C
 * alone, on the same batches {@link AppendBenchmark} appends (a direct buffer, as the network hands
 * them over). Score: ns per batch; divide by the records per batch (100 of ~100 B in 10 KiB, 1024 of
 * ~1 KiB in 1 MiB) for the cost per record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class ValidateBenchmark {
    @Param({"10240", "1048576"})
    public int batchBytes;

    /** Whether the batch is in a direct buffer (as from the network) or a heap one. */
    @Param({"true", "false"})
    public boolean direct;

    private ByteBuffer batch;

    @Setup(Level.Trial)
    public void setUp() {
        ByteBuffer built = Batches.exactSize(batchBytes, Time.SYSTEM.milliseconds());
        batch = direct ? ByteBuffer.allocateDirect(built.remaining()) : ByteBuffer.allocate(built.remaining());
        batch.put(built.duplicate()).flip();
    }

    @Benchmark
    public long validate() {
        BatchValidator.Result result = BatchValidator.validate(batch, Integer.MAX_VALUE);
        if (!result.ok()) {
            throw new IllegalStateException(result.message());
        }
        return result.recordCount();
    }

    @Benchmark
    public long crcOnly() {
        return RecordBatch.computeCrc(batch, batch.position());
    }
}
