package dev.spool.coordinator;

import dev.spool.common.Time;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A clock that moves only when the test moves it, and a {@link ShardScheduler} on it: tasks run
 * inline, timers fire in due order as {@link #advance} passes them.
 */
final class MockClock implements Time, ShardScheduler {
    private long nowMs = 1_000_000L;
    private long seq;
    private final PriorityQueue<Task> timers = new PriorityQueue<>();

    private final class Task implements Comparable<Task>, Timer {
        final long due;
        final long order = seq++;
        final Runnable run;
        boolean cancelled;

        Task(long due, Runnable run) {
            this.due = due;
            this.run = run;
        }

        @Override
        public int compareTo(Task o) {
            return due != o.due ? Long.compare(due, o.due) : Long.compare(order, o.order);
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    @Override
    public long milliseconds() {
        return nowMs;
    }

    @Override
    public long nanoseconds() {
        return nowMs * 1_000_000L;
    }

    @Override
    public void execute(Runnable task) {
        task.run();
    }

    @Override
    public Timer schedule(Runnable task, long delayMs) {
        Task t = new Task(nowMs + Math.max(0, delayMs), task);
        timers.add(t);
        return t;
    }

    /** Moves the clock by {@code ms}, firing every timer that falls due on the way, in order. */
    void advance(long ms) {
        long target = nowMs + ms;
        while (!timers.isEmpty() && timers.peek().due <= target) {
            Task t = timers.poll();
            nowMs = Math.max(nowMs, t.due);
            if (!t.cancelled) {
                t.run.run();
            }
        }
        nowMs = target;
    }

    /** Fires timers already due (delay 0). */
    void runDue() {
        advance(0);
    }

    List<Long> pendingDueTimes() {
        List<Long> out = new ArrayList<>();
        for (Task t : timers) {
            if (!t.cancelled) {
                out.add(t.due);
            }
        }
        return out;
    }
}
