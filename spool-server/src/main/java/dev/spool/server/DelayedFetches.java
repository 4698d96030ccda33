package dev.spool.server;

import dev.spool.common.TopicPartition;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parked long-poll fetches, watched per partition: an append to a partition wakes every fetch that
 * waits on it, which re-checks on its own event loop whether it now has enough bytes.
 */
public final class DelayedFetches {

    /** A parked fetch. */
    public interface Waiter {
        /** Called from the appending thread; must only schedule work, never do it. */
        void wake();
    }

    private final ConcurrentHashMap<TopicPartition, Set<Waiter>> watchers = new ConcurrentHashMap<>();

    public void watch(Waiter waiter, Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            watchers.computeIfAbsent(tp, k -> ConcurrentHashMap.newKeySet()).add(waiter);
        }
    }

    public void unwatch(Waiter waiter, Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            Set<Waiter> set = watchers.get(tp);
            if (set != null) {
                set.remove(waiter);
                if (set.isEmpty()) {
                    watchers.remove(tp, set);
                }
            }
        }
    }

    /** Wakes the fetches waiting on {@code tp}. */
    public void onAppend(TopicPartition tp) {
        Set<Waiter> set = watchers.get(tp);
        if (set != null) {
            for (Waiter w : set) {
                w.wake();
            }
        }
    }
}
