package dev.spool.storage;

import dev.spool.common.Time;
import java.util.concurrent.TimeUnit;

/** A clock that only moves when a test moves it. */
public final class MockTime implements Time {
    private volatile long nowMs;
    private volatile long nanos;

    public MockTime(long startMs) {
        this.nowMs = startMs;
        this.nanos = TimeUnit.MILLISECONDS.toNanos(startMs);
    }

    /** Advances both clocks by {@code ms}. */
    public synchronized void sleep(long ms) {
        nowMs += ms;
        nanos += TimeUnit.MILLISECONDS.toNanos(ms);
    }

    public synchronized void setMilliseconds(long ms) {
        sleep(ms - nowMs);
    }

    @Override
    public long milliseconds() {
        return nowMs;
    }

    @Override
    public long nanoseconds() {
        return nanos;
    }
}
