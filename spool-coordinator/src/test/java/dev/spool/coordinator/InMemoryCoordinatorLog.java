package dev.spool.coordinator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The {@link CoordinatorLog} port in memory: a list of records per partition; appends can be made to fail. */
final class InMemoryCoordinatorLog implements CoordinatorLog {
    final Map<Integer, List<CoordinatorRecord>> partitions = new HashMap<>();
    private boolean exists;
    boolean failAppends;

    @Override
    public boolean ensureTopic(int count) {
        exists = true;
        return true;
    }

    @Override
    public boolean topicExists() {
        return exists;
    }

    @Override
    public void append(int partition, List<CoordinatorRecord> records, long timestampMs)
            throws CoordinatorLogException {
        if (failAppends) {
            throw new CoordinatorLogException("injected failure", null);
        }
        partitions.computeIfAbsent(partition, p -> new ArrayList<>()).addAll(records);
    }

    @Override
    public void readAll(int partition, Consumer<CoordinatorRecord> sink) {
        for (CoordinatorRecord r : partitions.getOrDefault(partition, List.of())) {
            sink.accept(r);
        }
    }

    int size() {
        return partitions.values().stream().mapToInt(List::size).sum();
    }
}
