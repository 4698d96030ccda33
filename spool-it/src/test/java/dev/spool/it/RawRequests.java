package dev.spool.it;

import dev.spool.protocol.adapter.ProduceRecords;
import dev.spool.protocol.record.BatchBuilder;
import dev.spool.protocol.record.SimpleRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;

/** Builders of well-formed request bodies for raw-socket tests. */
final class RawRequests {
    /** The newest Produce version that names topics (v13 uses topic ids). */
    static final short PRODUCE_VERSION = 12;
    /** The newest Fetch version that names topics. */
    static final short FETCH_VERSION = 12;

    static final short METADATA_VERSION = 12;
    static final short CREATE_TOPICS_VERSION = 7;

    private RawRequests() {}

    /** One uncompressed batch of {@code count} records with values {@code prefix + i}. */
    static ByteBuffer batch(String prefix, int count) {
        List<SimpleRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new SimpleRecord(1_700_000_000_000L + i, null, (prefix + i).getBytes(StandardCharsets.UTF_8)));
        }
        return BatchBuilder.build(records);
    }

    /** One batch holding a single record with a value of {@code valueBytes} bytes. */
    static ByteBuffer batchWithValue(int valueBytes) {
        byte[] value = new byte[valueBytes];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) ('a' + i % 26);
        }
        return BatchBuilder.build(List.of(new SimpleRecord(1_700_000_000_000L, null, value)));
    }

    static ProduceRequestData produce(String topic, int partition, ByteBuffer batch) {
        ProduceRequestData.PartitionProduceData p = new ProduceRequestData.PartitionProduceData().setIndex(partition);
        ProduceRecords.set(p, batch.duplicate());
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName(topic).setPartitionData(List.of(p)));
        return new ProduceRequestData().setAcks((short) 1).setTimeoutMs(30_000).setTopicData(topics);
    }

    static MetadataRequestData metadata(String... topics) {
        List<MetadataRequestData.MetadataRequestTopic> list = new ArrayList<>();
        for (String t : topics) {
            list.add(new MetadataRequestData.MetadataRequestTopic().setName(t));
        }
        return new MetadataRequestData().setTopics(list).setAllowAutoTopicCreation(true);
    }

    static CreateTopicsRequestData createTopic(String name, int partitions) {
        CreateTopicsRequestData.CreatableTopicCollection topics =
                new CreateTopicsRequestData.CreatableTopicCollection();
        topics.add(creatableTopic(name, partitions));
        return new CreateTopicsRequestData().setTopics(topics).setTimeoutMs(30_000);
    }

    /** One topic of a CreateTopics request (an element belongs to one collection only). */
    static CreateTopicsRequestData.CreatableTopic creatableTopic(String name, int partitions) {
        return new CreateTopicsRequestData.CreatableTopic()
                .setName(name)
                .setNumPartitions(partitions)
                .setReplicationFactor((short) 1);
    }

    /** A sessionless fetch of one partition. */
    static FetchRequestData fetch(String topic, int partition, long offset, int partitionMaxBytes) {
        FetchRequestData.FetchPartition p = new FetchRequestData.FetchPartition()
                .setPartition(partition)
                .setFetchOffset(offset)
                .setPartitionMaxBytes(partitionMaxBytes)
                .setCurrentLeaderEpoch(-1)
                .setLastFetchedEpoch(-1)
                .setLogStartOffset(-1);
        return new FetchRequestData()
                .setReplicaId(-1)
                .setMaxWaitMs(0)
                .setMinBytes(1)
                .setMaxBytes(64 << 20)
                .setIsolationLevel((byte) 0)
                .setSessionId(0)
                .setSessionEpoch(-1)
                .setTopics(List.of(
                        new FetchRequestData.FetchTopic().setTopic(topic).setPartitions(List.of(p))));
    }
}
