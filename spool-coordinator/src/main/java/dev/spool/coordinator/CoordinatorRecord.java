package dev.spool.coordinator;

/**
 * One record of {@code __consumer_offsets} as stored: a key and a value (null value = tombstone).
 * The byte layouts are described by {@link OffsetsTopicLayout}. Immutable by convention (arrays are
 * not copied).
 */
public record CoordinatorRecord(byte[] key, byte[] value) {}
