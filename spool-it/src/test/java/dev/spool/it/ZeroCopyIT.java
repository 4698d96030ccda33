package dev.spool.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.protocol.record.BatchBuilder;
import dev.spool.protocol.record.RecordBatch;
import dev.spool.protocol.record.SimpleRecord;
import dev.spool.server.ServerConfig;
import io.netty.util.ResourceLeakDetector;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetch serves record bytes from the page cache without copying them through the heap: while a client
 * fetches 64 MiB, the broker's event-loop threads allocate a small fraction of that on the heap (per
 * HotSpot's per-thread allocation counters). A byte-count assertion, not a timing one.
 */
class ZeroCopyIT {
    static final String TOPIC = "zero-copy";
    static final long FILL_BYTES = 64L << 20;
    /** Per-record value size; 60 records make a batch of about 960 KB, under message.max.bytes. */
    static final int VALUE_BYTES = 16_000;

    static final int RECORDS_PER_BATCH = 60;
    /** What a consumer asks per partition by default (max.partition.fetch.bytes). */
    static final int PARTITION_MAX_BYTES = 1 << 20;
    /** Allowed heap allocation on the event loops, as a fraction of the record bytes served. */
    static final double MAX_ALLOCATED_FRACTION = 0.05;

    @TempDir
    Path dir;

    @Test
    void fetchAllocatesAFractionOfTheBytesItServes() throws Exception {
        try (EmbeddedBroker broker =
                        EmbeddedBroker.start(dir, Map.of(ServerConfig.LOG_SEGMENT_BYTES, String.valueOf(16 << 20)));
                KafkaWire w = KafkaWire.connect(broker.port())) {
            CreateTopicsResponseData created =
                    w.call(ApiKeys.CREATE_TOPICS, RawRequests.CREATE_TOPICS_VERSION, RawRequests.createTopic(TOPIC, 1));
            assertThat(created.topics().find(TOPIC).errorCode()).isZero();

            ByteBuffer batch = batch();
            long stored = 0;
            long endOffset = 0;
            while (stored < FILL_BYTES) {
                ProduceResponseData r =
                        w.call(ApiKeys.PRODUCE, RawRequests.PRODUCE_VERSION, RawRequests.produce(TOPIC, 0, batch));
                var pr = r.responses().iterator().next().partitionResponses().get(0);
                assertThat(Errors.forCode(pr.errorCode())).isEqualTo(Errors.NONE);
                assertThat(pr.baseOffset()).isEqualTo(endOffset);
                endOffset += RECORDS_PER_BATCH;
                stored += batch.remaining();
            }

            // Warm up: the worker serving this connection has run a fetch (classes loaded, code compiled).
            fetchAll(w, RECORDS_PER_BATCH * 4L);

            // Measured without Netty's leak detector: at the tests' "paranoid" level it records a stack
            // trace per buffer access, which is the test harness allocating, not the broker.
            ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
            long served;
            long allocated;
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
            try {
                var before = EventLoopAllocation.snapshot();
                assertThat(before).as("event-loop threads").isNotEmpty();
                served = fetchAll(w, endOffset);
                allocated = EventLoopAllocation.since(before);
            } finally {
                ResourceLeakDetector.setLevel(level);
            }

            System.out.printf(
                    Locale.ROOT,
                    "zero-copy: served %,d record bytes, event loops allocated %,d heap bytes (%.3f%%)%n",
                    served,
                    allocated,
                    100.0 * allocated / served);
            assertThat(served).isEqualTo(stored);
            assertThat((double) allocated)
                    .as("heap bytes allocated by the event loops while serving %,d bytes", served)
                    .isLessThan(MAX_ALLOCATED_FRACTION * served);
        }
    }

    static ByteBuffer batch() {
        byte[] value = new byte[VALUE_BYTES];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) (i * 31 + 7);
        }
        List<SimpleRecord> records = new ArrayList<>();
        for (int i = 0; i < RECORDS_PER_BATCH; i++) {
            records.add(new SimpleRecord(1_700_000_000_000L + i, null, value));
        }
        return BatchBuilder.build(records);
    }

    /**
     * Fetches from offset 0 until {@code endOffset}, as a consumer does (one partition, 1 MiB per
     * request); checks the batches are contiguous and returns the record bytes served.
     */
    static long fetchAll(KafkaWire w, long endOffset) throws Exception {
        long next = 0;
        long served = 0;
        while (next < endOffset) {
            FetchResponseData r = w.call(
                    ApiKeys.FETCH, RawRequests.FETCH_VERSION, RawRequests.fetch(TOPIC, 0, next, PARTITION_MAX_BYTES));
            assertThat(Errors.forCode(r.errorCode())).isEqualTo(Errors.NONE);
            FetchResponseData.PartitionData p =
                    r.responses().get(0).partitions().get(0);
            assertThat(Errors.forCode(p.errorCode())).isEqualTo(Errors.NONE);
            ByteBuffer records = ((MemoryRecords) p.records()).buffer();
            assertThat(records.remaining()).as("records at offset %d", next).isPositive();
            for (int pos = records.position(); pos < records.limit(); ) {
                assertThat(RecordBatch.baseOffset(records, pos)).isEqualTo(next);
                next = RecordBatch.lastOffset(records, pos) + 1;
                pos += RecordBatch.LOG_OVERHEAD + RecordBatch.length(records, pos);
            }
            served += records.remaining();
        }
        assertThat(next).isEqualTo(endOffset);
        return served;
    }
}
