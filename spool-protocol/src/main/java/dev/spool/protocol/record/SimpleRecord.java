package dev.spool.protocol.record;

import java.util.List;

/**
 * One record as a client sees it, for building batches (tests, tools, control records). Null key or
 * value mean absent, as in Kafka.
 */
public record SimpleRecord(long timestamp, byte[] key, byte[] value, List<Header> headers) {

    /** A record header; a null value is allowed. */
    public record Header(String key, byte[] value) {}

    public SimpleRecord(long timestamp, byte[] key, byte[] value) {
        this(timestamp, key, value, List.of());
    }
}
