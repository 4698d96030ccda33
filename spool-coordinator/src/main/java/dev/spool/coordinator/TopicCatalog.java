package dev.spool.coordinator;

import java.util.Collection;
import org.apache.kafka.common.Uuid;

/**
 * Port: the topics the consumer-group coordinator assigns, as the broker's metadata currently has them.
 * The server implements it over its metadata image; tests use a map. Implementations must be
 * thread-safe (shards call it from their threads) and answer from one consistent snapshot per call.
 */
public interface TopicCatalog {

    /** A topic: id, name and partition count. */
    record TopicInfo(Uuid id, String name, int partitions) {}

    /** No topics (a coordinator without the consumer protocol's metadata). */
    TopicCatalog EMPTY = () -> java.util.List.of();

    /** Every topic. */
    Collection<TopicInfo> topics();

    /** The topic named {@code name}, or null. */
    default TopicInfo byName(String name) {
        for (TopicInfo t : topics()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** The topic with id {@code id}, or null. */
    default TopicInfo byId(Uuid id) {
        for (TopicInfo t : topics()) {
            if (t.id().equals(id)) {
                return t;
            }
        }
        return null;
    }
}
