package dev.spool.server;

import dev.spool.coordinator.TopicCatalog;
import dev.spool.metadata.TopicImage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.common.Uuid;

/**
 * The coordinator's {@link TopicCatalog} port over the broker's current metadata image: what KIP-848
 * groups subscribe to and assign. Each call reads the image once (an immutable snapshot). Thread-safe.
 */
final class TopicCatalogView implements TopicCatalog {
    private final TopicService topics;

    TopicCatalogView(TopicService topics) {
        this.topics = topics;
    }

    @Override
    public Collection<TopicInfo> topics() {
        List<TopicInfo> out = new ArrayList<>();
        for (TopicImage t : topics.image().topics()) {
            out.add(info(t));
        }
        return out;
    }

    @Override
    public TopicInfo byName(String name) {
        TopicImage t = topics.image().topic(name);
        return t == null ? null : info(t);
    }

    @Override
    public TopicInfo byId(Uuid id) {
        TopicImage t = topics.image().topic(BrokerContext.fromKafka(id));
        return t == null ? null : info(t);
    }

    private static TopicInfo info(TopicImage t) {
        return new TopicInfo(BrokerContext.toKafka(t.topicId()), t.name(), t.partitions());
    }
}
