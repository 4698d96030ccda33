package dev.spool.it;

import dev.spool.common.SuppressForbidden;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * Heap bytes allocated by the Netty event-loop threads of this JVM (the embedded broker's acceptor and
 * workers), from HotSpot's per-thread allocation counters. Take a {@link #snapshot()}, do the work,
 * then ask {@link #since} for the bytes those threads (and any started meanwhile) allocated.
 */
final class EventLoopAllocation {
    private EventLoopAllocation() {}

    @SuppressForbidden(reason = "per-thread allocation counters exist only on com.sun.management.ThreadMXBean")
    private static long allocated(Thread t) {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (!(bean instanceof com.sun.management.ThreadMXBean hotspot) || !hotspot.isThreadAllocatedMemorySupported()) {
            throw new IllegalStateException("this JVM has no per-thread allocation counters");
        }
        hotspot.setThreadAllocatedMemoryEnabled(true);
        @SuppressWarnings("deprecation") // Thread#threadId() is Java 19+
        long id = t.getId();
        return Math.max(0, hotspot.getThreadAllocatedBytes(id));
    }

    /** Bytes allocated so far by each live event-loop thread. */
    static Map<Thread, Long> snapshot() {
        Map<Thread, Long> out = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t instanceof FastThreadLocalThread && t.isAlive()) {
                out.put(t, allocated(t));
            }
        }
        return out;
    }

    /** Bytes the event-loop threads allocated since {@code before}; threads started since count in full. */
    static long since(Map<Thread, Long> before) {
        long sum = 0;
        for (Map.Entry<Thread, Long> e : snapshot().entrySet()) {
            sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return sum;
    }
}
