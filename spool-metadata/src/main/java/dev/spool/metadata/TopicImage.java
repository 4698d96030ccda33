package dev.spool.metadata;

import java.util.Map;
import java.util.UUID;

/** An immutable view of one topic: name, id, partition count and its config overrides. */
public record TopicImage(String name, UUID topicId, int partitions, Map<String, String> configs) {
    public TopicImage {
        configs = Map.copyOf(configs);
    }
}
