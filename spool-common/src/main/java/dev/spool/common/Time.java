package dev.spool.common;

/**
 * The clock, injected everywhere time matters so tests can drive it. {@link #SYSTEM} is the only
 * place that reads the real clock.
 */
public interface Time {

    /** Wall-clock milliseconds since the epoch (record timestamps, retention). */
    long milliseconds();

    /** A monotonic clock in nanoseconds for measuring intervals; its origin means nothing. */
    long nanoseconds();

    /** The real clock. */
    Time SYSTEM = new SystemTime();

    /** The real clock. */
    final class SystemTime implements Time {
        private SystemTime() {}

        @Override
        @SuppressForbidden(reason = "the one place that reads the wall clock")
        public long milliseconds() {
            return System.currentTimeMillis();
        }

        @Override
        @SuppressForbidden(reason = "the one place that reads the monotonic clock")
        public long nanoseconds() {
            return System.nanoTime();
        }
    }
}
