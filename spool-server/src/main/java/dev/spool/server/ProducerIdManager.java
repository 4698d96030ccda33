package dev.spool.server;

import dev.spool.metadata.MetadataQuorum;
import dev.spool.metadata.MetadataRecord;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out producer ids (InitProducerId) from blocks reserved in the metadata log, as Kafka's
 * controller does: before the first id of a block is given out, a
 * {@link MetadataRecord.ProducerIdsRecord} moving the cluster's next free id past the block is
 * appended (durably) to the {@link MetadataQuorum}. A restart therefore starts a fresh block and never
 * hands out an id twice; the ids left unused in the block held at a crash are simply skipped.
 *
 * <p>Lifecycle: created by the composition root; no state besides the current block. Thread-safe
 * (one lock; a reservation, one fsynced metadata append, happens once per {@link #BLOCK_SIZE} ids).
 */
public final class ProducerIdManager {
    private static final Logger LOG = LoggerFactory.getLogger(ProducerIdManager.class);

    /** Ids per reservation (Kafka's block size). */
    public static final int BLOCK_SIZE = 1000;

    private final MetadataQuorum quorum;
    private final int brokerId;
    private final int blockSize;
    /** The reserved block not yet handed out: [next, blockEnd). Empty at start. */
    private long next;

    private long blockEnd;

    public ProducerIdManager(MetadataQuorum quorum, int brokerId) {
        this(quorum, brokerId, BLOCK_SIZE);
    }

    ProducerIdManager(MetadataQuorum quorum, int brokerId, int blockSize) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be positive: " + blockSize);
        }
        this.quorum = quorum;
        this.brokerId = brokerId;
        this.blockSize = blockSize;
    }

    /** A producer id never handed out before; reserves a new block first if needed. */
    public synchronized long generate() throws IOException {
        if (next >= blockEnd) {
            reserveBlock();
        }
        return next++;
    }

    private void reserveBlock() throws IOException {
        long start = quorum.image().nextProducerId();
        if (start > Long.MAX_VALUE - blockSize) {
            throw new IOException("producer ids exhausted: the next free id is " + start);
        }
        long end = start + blockSize;
        quorum.append(List.of(new MetadataRecord.ProducerIdsRecord(brokerId, end)));
        next = start;
        blockEnd = end;
        LOG.info("Reserved producer ids [{}, {})", start, end);
    }
}
