package dev.spool.metadata;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Immutable cluster metadata at one point of the metadata log: topics and configs. Readers hold an
 * image without locks; {@link #replay} returns a new image and never changes this one.
 */
public final class MetadataImage {
    public static final MetadataImage EMPTY = new MetadataImage(Map.of(), Map.of(), Map.of(), 0, -1);

    private final Map<String, TopicImage> topicsByName;
    private final Map<UUID, TopicImage> topicsById;
    private final Map<String, Map<String, String>> brokerConfigs;
    /** The first producer id not yet reserved by any {@link MetadataRecord.ProducerIdsRecord}. */
    private final long nextProducerId;

    private final long offset;

    private MetadataImage(
            Map<String, TopicImage> topicsByName,
            Map<UUID, TopicImage> topicsById,
            Map<String, Map<String, String>> brokerConfigs,
            long nextProducerId,
            long offset) {
        this.topicsByName = Collections.unmodifiableMap(topicsByName);
        this.topicsById = Collections.unmodifiableMap(topicsById);
        this.brokerConfigs = Collections.unmodifiableMap(brokerConfigs);
        this.nextProducerId = nextProducerId;
        this.offset = offset;
    }

    /** The first producer id no block has reserved yet (0 before any reservation). */
    public long nextProducerId() {
        return nextProducerId;
    }

    /** The metadata-log offset of the last record applied; -1 for the empty image. */
    public long offset() {
        return offset;
    }

    public TopicImage topic(String name) {
        return topicsByName.get(name);
    }

    public TopicImage topic(UUID id) {
        return topicsById.get(id);
    }

    public Collection<TopicImage> topics() {
        return topicsByName.values();
    }

    /** Dynamic configs of broker {@code resourceName} ("" for the cluster-wide default). */
    public Map<String, String> brokerConfigs(String resourceName) {
        return brokerConfigs.getOrDefault(resourceName, Map.of());
    }

    /**
     * Applies {@code record} (at metadata-log offset {@code recordOffset}) and returns the new image.
     * Records that refer to unknown topics are ignored, as a replay must never fail.
     */
    public MetadataImage replay(MetadataRecord record, long recordOffset) {
        Map<String, TopicImage> byName = new HashMap<>(topicsByName);
        Map<UUID, TopicImage> byId = new HashMap<>(topicsById);
        Map<String, Map<String, String>> brokers = brokerConfigs;
        long nextPid = nextProducerId;
        if (record instanceof MetadataRecord.TopicRecord t) {
            TopicImage image = new TopicImage(t.name(), t.topicId(), t.partitions(), Map.of());
            byName.put(t.name(), image);
            byId.put(t.topicId(), image);
        } else if (record instanceof MetadataRecord.PartitionsRecord p) {
            TopicImage old = byId.get(p.topicId());
            if (old != null && p.partitions() > old.partitions()) {
                put(byName, byId, new TopicImage(old.name(), old.topicId(), p.partitions(), old.configs()));
            }
        } else if (record instanceof MetadataRecord.ConfigRecord c) {
            if (c.resourceType() == MetadataRecord.ResourceType.TOPIC) {
                TopicImage old = byName.get(c.resourceName());
                if (old != null) {
                    put(
                            byName,
                            byId,
                            new TopicImage(
                                    old.name(),
                                    old.topicId(),
                                    old.partitions(),
                                    withConfig(old.configs(), c.key(), c.value())));
                }
            } else {
                brokers = new HashMap<>(brokerConfigs);
                brokers.put(c.resourceName(), withConfig(brokerConfigs(c.resourceName()), c.key(), c.value()));
            }
        } else if (record instanceof MetadataRecord.RemoveTopicRecord r) {
            TopicImage old = byId.remove(r.topicId());
            if (old != null) {
                byName.remove(old.name());
            }
        } else if (record instanceof MetadataRecord.ProducerIdsRecord p) {
            nextPid = Math.max(nextPid, p.nextProducerId()); // reservations never move back
        }
        return new MetadataImage(byName, byId, brokers, nextPid, recordOffset);
    }

    private static void put(Map<String, TopicImage> byName, Map<UUID, TopicImage> byId, TopicImage image) {
        byName.put(image.name(), image);
        byId.put(image.topicId(), image);
    }

    private static Map<String, String> withConfig(Map<String, String> configs, String key, String value) {
        Map<String, String> out = new HashMap<>(configs);
        if (value == null) {
            out.remove(key);
        } else {
            out.put(key, value);
        }
        return Map.copyOf(out);
    }
}
