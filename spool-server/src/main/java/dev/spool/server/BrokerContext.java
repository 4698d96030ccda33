package dev.spool.server;

import dev.spool.common.Time;
import dev.spool.common.TopicPartition;
import dev.spool.metadata.TopicImage;
import dev.spool.storage.Log;
import dev.spool.storage.LogManager;
import java.io.IOException;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the API handlers share: configuration, topics, logs, the clock and the fetch waiters. */
public record BrokerContext(
        ServerConfig config,
        String clusterId,
        TopicService topics,
        LogManager logs,
        Time time,
        DelayedFetches delayedFetches,
        Supplier<ServerConfig.Listener> advertisedListener) {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerContext.class);

    /** The address handed to clients (known once the listener is bound). */
    public ServerConfig.Listener advertised() {
        return advertisedListener.get();
    }

    public int nodeId() {
        return config.nodeId();
    }

    /**
     * The log of a partition of an existing topic, or null. A partition whose log the background
     * creation has not reached yet gets it now.
     */
    public Log log(String topic, int partition) {
        TopicImage t = topics.image().topic(topic);
        if (t == null || partition < 0 || partition >= t.partitions()) {
            return null;
        }
        Log log = logs.getLog(new TopicPartition(topic, partition));
        if (log != null) {
            return log;
        }
        try {
            return topics.createLogIfMissing(topic, t.topicId(), partition);
        } catch (IOException e) {
            LOG.error("Could not create the log of {}-{}", topic, partition, e);
            return null;
        }
    }

    public static Uuid toKafka(UUID id) {
        return new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    public static UUID fromKafka(Uuid id) {
        return new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    /** A topic's name from a request that names it either by name or (newer versions) by id; null if unknown. */
    public String resolveTopic(String name, Uuid id) {
        if (id != null && !Uuid.ZERO_UUID.equals(id)) {
            TopicImage t = topics.image().topic(fromKafka(id));
            return t == null ? null : t.name();
        }
        return name;
    }
}
