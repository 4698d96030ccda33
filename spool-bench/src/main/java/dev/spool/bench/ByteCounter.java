package dev.spool.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A JMH auxiliary counter of bytes moved. JMH reports it beside the score as a secondary result
 * named {@code <benchmark>:bytes}, normalised to the benchmark's output time unit: with
 * {@code @OutputTimeUnit(SECONDS)} its "ops/s" are bytes per second.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class ByteCounter {
    /** Bytes moved in the current iteration (read by JMH). */
    public long bytes;

    @Setup(Level.Iteration)
    public void reset() {
        bytes = 0;
    }
}
