package dev.spool.protocol.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Reads the real clients' Produce request frames under {@code src/test/resources/golden/} with
 * kafka-clients' public message classes, the oracle, and hands out each partition's record bytes.
 */
final class GoldenProduceFrames {
    private GoldenProduceFrames() {}

    /** One partition's records in a captured Produce request. */
    record PartitionRecords(String frame, short apiVersion, String clientId, int partition, ByteBuffer records) {}

    static byte[] read(String resource) {
        try (InputStream in = GoldenProduceFrames.class.getResourceAsStream("/golden/" + resource)) {
            assertThat(in).as("test resource golden/%s", resource).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes a frame (header, then body) and returns every partition's record bytes, in order. */
    static List<PartitionRecords> partitions(String resource) {
        ByteBuffer frame = ByteBuffer.wrap(read(resource));
        RequestHeader header = RequestHeader.parse(frame);
        assertThat(header.apiKey()).isEqualTo(ApiKeys.PRODUCE);
        ProduceRequestData body = new ProduceRequestData(new ByteBufferAccessor(frame), header.apiVersion());
        assertThat(frame.remaining()).as("bytes left after the Produce body").isZero();

        List<PartitionRecords> out = new ArrayList<>();
        for (ProduceRequestData.TopicProduceData topic : body.topicData()) {
            for (ProduceRequestData.PartitionProduceData p : topic.partitionData()) {
                // The oracle side: records arrive as kafka-clients' MemoryRecords over the frame's bytes.
                ByteBuffer records = ((MemoryRecords) p.records()).buffer();
                ByteBuffer copy =
                        ByteBuffer.allocate(records.remaining()).put(records).flip();
                out.add(new PartitionRecords(resource, header.apiVersion(), header.clientId(), p.index(), copy));
            }
        }
        return out;
    }
}
