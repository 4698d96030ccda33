package dev.spool.coordinator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The {@link CoordinatorLog} port in memory: a list of records per partition; appends can be made to
 * fail. Transactional records and markers are kept in log order in {@link #events} as well.
 */
final class InMemoryCoordinatorLog implements CoordinatorLog {
    /** One entry in log order: a record (producer id -1 unless transactional) or a marker. */
    record Event(CoordinatorRecord record, long producerId, TransactionResult marker) {}

    final Map<Integer, List<CoordinatorRecord>> partitions = new HashMap<>();
    final Map<Integer, List<Event>> events = new HashMap<>();
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
        records.forEach(
                r -> events.computeIfAbsent(partition, p -> new ArrayList<>()).add(new Event(r, -1L, null)));
    }

    @Override
    public void appendTransactional(
            int partition, long producerId, short producerEpoch, List<CoordinatorRecord> records, long timestampMs)
            throws CoordinatorLogException {
        if (failAppends) {
            throw new CoordinatorLogException("injected failure", null);
        }
        records.forEach(
                r -> events.computeIfAbsent(partition, p -> new ArrayList<>()).add(new Event(r, producerId, null)));
    }

    /** A transaction marker, as the partition side writes it. */
    void writeMarker(int partition, long producerId, TransactionResult result) {
        events.computeIfAbsent(partition, p -> new ArrayList<>()).add(new Event(null, producerId, result));
    }

    @Override
    public void readAll(int partition, Consumer<CoordinatorRecord> sink) {
        for (CoordinatorRecord r : partitions.getOrDefault(partition, List.of())) {
            sink.accept(r);
        }
    }

    @Override
    public void readAllWithMarkers(int partition, ReplaySink sink) {
        for (Event e : events.getOrDefault(partition, List.of())) {
            if (e.marker() != null) {
                sink.marker(e.producerId(), e.marker());
            } else {
                sink.record(e.record(), e.producerId());
            }
        }
    }

    int size() {
        return partitions.values().stream().mapToInt(List::size).sum();
    }
}
