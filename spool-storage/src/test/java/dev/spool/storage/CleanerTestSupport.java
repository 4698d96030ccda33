package dev.spool.storage;

import dev.spool.protocol.adapter.KafkaRecords;
import dev.spool.protocol.record.BatchBuilder;
import dev.spool.protocol.record.SimpleRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Helpers for cleaner tests: keyed records and tombstones, and the key → latest value view of a log. */
final class CleanerTestSupport {
    private CleanerTestSupport() {}

    /** How a tombstone shows in {@link #latest}. */
    static final String TOMBSTONE = "<tombstone>";

    /** One keyed write: {@code value} null is a tombstone. */
    record Write(String key, String value) {}

    /** A batch of keyed records with the given timestamp. */
    static ByteBuffer batch(long timestamp, List<Write> writes) {
        List<SimpleRecord> records = new ArrayList<>();
        for (Write w : writes) {
            records.add(new SimpleRecord(
                    timestamp,
                    w.key() == null ? null : w.key().getBytes(StandardCharsets.UTF_8),
                    w.value() == null ? null : w.value().getBytes(StandardCharsets.UTF_8)));
        }
        return BatchBuilder.build(records);
    }

    /** Key → latest value (or {@link #TOMBSTONE}) of a sequence of writes. */
    static Map<String, String> model(List<Write> writes) {
        Map<String, String> out = new TreeMap<>();
        for (Write w : writes) {
            out.put(w.key(), w.value() == null ? TOMBSTONE : w.value());
        }
        return out;
    }

    /** Every record of the log from its start, decoded. */
    static List<KafkaRecords.DecodedRecord> records(Log log) throws IOException {
        if (log.logStartOffset() == log.logEndOffset()) {
            return List.of();
        }
        return KafkaRecords.decode(LogTestSupport.readAll(log, log.logStartOffset()));
    }

    /** Key → latest value (or {@link #TOMBSTONE}) read from the log's start. */
    static Map<String, String> latest(Log log) throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (KafkaRecords.DecodedRecord r : records(log)) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            out.put(key, r.value() == null ? TOMBSTONE : new String(r.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The offsets of every record from the log's start. */
    static List<Long> offsets(Log log) throws IOException {
        List<Long> out = new ArrayList<>();
        for (KafkaRecords.DecodedRecord r : records(log)) {
            out.add(r.offset());
        }
        return out;
    }
}
