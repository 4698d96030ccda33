package dev.spool.storage;

/**
 * An aborted transaction as the {@code .txnindex} holds it and a read_committed fetch reports it: the
 * producer, the first offset of its transaction, the offset of its abort marker ({@code lastOffset})
 * and the last stable offset right after the marker (the first offset of a transaction still ongoing
 * then, or {@code lastOffset + 1}).
 */
public record AbortedTxn(long producerId, long firstOffset, long lastOffset, long lastStableOffset) {}
