package dev.spool.storage;

import dev.spool.common.Time;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps the cleaner's read + write rate at or below {@code log.cleaner.io.max.bytes.per.second}
 * (Kafka's throttler): callers report the bytes they moved; at most every {@value #CHECK_INTERVAL_MS}
 * ms the observed rate is compared with the limit and, if above, the caller sleeps as long as the
 * bytes should have taken. One throttler is shared by all cleaner threads, so the limit is global;
 * a sleeping thread holds the throttler, which makes the others wait too (as in Kafka).
 *
 * <p>Lifecycle: created with the cleaner. Thread-safe.
 */
final class IoThrottler {
    static final long CHECK_INTERVAL_MS = 100;

    /** How the throttler waits (tests record instead of sleeping). */
    @FunctionalInterface
    interface Sleeper {
        void sleepNanos(long nanos);
    }

    private final Time time;
    private final double bytesPerSecond;
    private final Sleeper sleeper;
    private long periodStartNs;
    private long bytesInPeriod;

    IoThrottler(Time time, double bytesPerSecond, Sleeper sleeper) {
        if (!(bytesPerSecond > 0)) {
            throw new IllegalArgumentException("the I/O limit must be positive: " + bytesPerSecond);
        }
        this.time = time;
        this.bytesPerSecond = bytesPerSecond;
        this.sleeper = sleeper;
        this.periodStartNs = time.nanoseconds();
    }

    /** With the real clock's park-based sleep. */
    static IoThrottler of(Time time, double bytesPerSecond) {
        return new IoThrottler(time, bytesPerSecond, LockSupport::parkNanos);
    }

    boolean unlimited() {
        return bytesPerSecond >= Double.MAX_VALUE;
    }

    /** Reports {@code bytes} read or written; sleeps if the rate of the current period is above the limit. */
    synchronized void maybeThrottle(long bytes) {
        if (unlimited()) {
            return;
        }
        bytesInPeriod += bytes;
        long now = time.nanoseconds();
        long elapsedNs = now - periodStartNs;
        if (elapsedNs < CHECK_INTERVAL_MS * 1_000_000L) {
            return;
        }
        double wantedNs = bytesInPeriod * 1e9 / bytesPerSecond;
        if (wantedNs > elapsedNs) {
            sleeper.sleepNanos((long) (wantedNs - elapsedNs));
        }
        periodStartNs = time.nanoseconds();
        bytesInPeriod = 0;
    }
}
