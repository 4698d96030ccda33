package dev.spool.bench;

import java.io.IOException;

/**
 * One operation of a write benchmark driven by hand rather than by JMH ({@link AppendCpuSplit},
 * {@link AppendVsRaw}): {@link AppendBenchmark#append} or {@link RawWriteBenchmark#write}.
 */
@FunctionalInterface
interface WriteOp {
    void run(ByteCounter counter) throws IOException;
}
