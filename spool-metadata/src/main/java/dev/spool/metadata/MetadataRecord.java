package dev.spool.metadata;

import java.util.Objects;
import java.util.UUID;

/**
 * A change to cluster metadata. The metadata log is a sequence of these; {@link MetadataImage#replay}
 * applies one to an image and returns the next image.
 */
public sealed interface MetadataRecord
        permits MetadataRecord.TopicRecord,
                MetadataRecord.PartitionsRecord,
                MetadataRecord.ConfigRecord,
                MetadataRecord.RemoveTopicRecord,
                MetadataRecord.ProducerIdsRecord {

    /** A topic was created with {@code partitions} partitions. */
    record TopicRecord(String name, UUID topicId, int partitions) implements MetadataRecord {
        public TopicRecord {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(topicId, "topicId");
        }
    }

    /** A topic's partition count grew (CreatePartitions). */
    record PartitionsRecord(UUID topicId, int partitions) implements MetadataRecord {}

    /** A config of a topic or of the broker was set, or removed when {@code value} is null. */
    record ConfigRecord(ResourceType resourceType, String resourceName, String key, String value)
            implements MetadataRecord {}

    /** A topic was deleted. */
    record RemoveTopicRecord(UUID topicId) implements MetadataRecord {}

    /**
     * Broker {@code brokerId} reserved the producer ids below {@code nextProducerId} (Kafka's
     * {@code ProducerIdsRecord}): ids are handed out only from a block reserved by such a record, so no
     * id is given twice, even across restarts.
     */
    record ProducerIdsRecord(int brokerId, long nextProducerId) implements MetadataRecord {
        public ProducerIdsRecord {
            if (nextProducerId < 0) {
                throw new IllegalArgumentException("negative next producer id " + nextProducerId);
            }
        }
    }

    /** What a config applies to. */
    enum ResourceType {
        TOPIC,
        BROKER
    }
}
