package dev.spool.storage;

/**
 * What a partition knows about one idempotent producer: its current epoch, the timestamp of its last
 * batch, and the sequence and offset ranges of its last {@link #MAX_BATCHES} batches (the most a
 * producer has in flight), so that a retried batch is recognised as a duplicate. For transactional
 * producers also the first offset of its ongoing transaction on this partition (-1 if none) and the
 * last coordinator epoch seen in its markers (-1 if none).
 *
 * <p>The batches live in a ring of primitive arrays: adding one allocates nothing. Mutable, owned by
 * {@link ProducerStateManager}; not thread-safe (the log's lock guards it).
 */
final class ProducerStateEntry {
    /** Batches remembered per producer: Kafka's producers keep at most 5 requests in flight. */
    static final int MAX_BATCHES = 5;

    private final long producerId;
    private short epoch;
    private long lastTimestamp;
    private int coordinatorEpoch = -1;
    private long currentTxnFirstOffset = -1;
    private final int[] firstSeq = new int[MAX_BATCHES];
    private final int[] lastSeq = new int[MAX_BATCHES];
    private final long[] firstOffset = new long[MAX_BATCHES];
    private final int[] offsetDelta = new int[MAX_BATCHES];
    private final long[] timestamp = new long[MAX_BATCHES];
    /** Index of the oldest batch in the ring, and how many batches it holds (1..MAX_BATCHES once used). */
    private int head;

    private int count;

    ProducerStateEntry(long producerId, short epoch) {
        this.producerId = producerId;
        this.epoch = epoch;
    }

    long producerId() {
        return producerId;
    }

    short epoch() {
        return epoch;
    }

    long lastTimestamp() {
        return lastTimestamp;
    }

    /** Restores the last timestamp read from a snapshot. */
    void setLastTimestamp(long timestamp) {
        lastTimestamp = timestamp;
    }

    int coordinatorEpoch() {
        return coordinatorEpoch;
    }

    void setCoordinatorEpoch(int epoch) {
        coordinatorEpoch = epoch;
    }

    /** The first offset of the producer's ongoing transaction on this partition, or -1. */
    long currentTxnFirstOffset() {
        return currentTxnFirstOffset;
    }

    void setCurrentTxnFirstOffset(long offset) {
        currentTxnFirstOffset = offset;
    }

    /** Moves to {@code newEpoch} (a marker's); a different epoch forgets the old epoch's batches. */
    void updateEpoch(short newEpoch) {
        if (newEpoch != epoch) {
            epoch = newEpoch;
            head = 0;
            count = 0;
        }
    }

    int batchCount() {
        return count;
    }

    /** The {@code i}-th remembered batch, oldest first: its ring slot. */
    private int slot(int i) {
        return (head + i) % MAX_BATCHES;
    }

    int firstSeq(int i) {
        return firstSeq[slot(i)];
    }

    int lastSeq(int i) {
        return lastSeq[slot(i)];
    }

    long firstOffset(int i) {
        return firstOffset[slot(i)];
    }

    long lastOffset(int i) {
        return firstOffset[slot(i)] + offsetDelta[slot(i)];
    }

    long timestamp(int i) {
        return timestamp[slot(i)];
    }

    /** The last sequence of the newest batch; -1 if none. */
    int lastSeq() {
        return count == 0 ? -1 : lastSeq(count - 1);
    }

    /** The index (oldest first) of the remembered batch with exactly this sequence range, or -1. */
    int findBatch(int first, int last) {
        for (int i = count - 1; i >= 0; i--) {
            int s = slot(i);
            if (firstSeq[s] == first && lastSeq[s] == last) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Records a batch appended at {@code [first, last]} offsets. A new epoch forgets the batches of the
     * old one. The oldest batch is dropped once {@link #MAX_BATCHES} are held.
     */
    void addBatch(short batchEpoch, int firstSequence, int lastSequence, long first, long last, long maxTimestamp) {
        if (batchEpoch != epoch) {
            epoch = batchEpoch;
            head = 0;
            count = 0;
        }
        int s;
        if (count < MAX_BATCHES) {
            s = slot(count);
            count++;
        } else {
            s = head;
            head = (head + 1) % MAX_BATCHES;
        }
        firstSeq[s] = firstSequence;
        lastSeq[s] = lastSequence;
        firstOffset[s] = first;
        offsetDelta[s] = (int) (last - first);
        timestamp[s] = maxTimestamp;
        lastTimestamp = maxTimestamp;
    }

    @Override
    public String toString() {
        return "ProducerStateEntry(id=" + producerId + ", epoch=" + epoch + ", batches=" + count + ", lastSeq="
                + lastSeq() + ", txnFirstOffset=" + currentTxnFirstOffset + ")";
    }
}
