package dev.spool.server.handlers;

import dev.spool.metadata.TopicImage;
import dev.spool.server.BrokerContext;
import dev.spool.server.TopicService;
import dev.spool.server.network.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/** Metadata: this node as the only broker, leader of every partition; auto-creates topics if allowed. */
public final class MetadataHandler extends SimpleHandler<MetadataRequestData> {
    /** "Authorized operations not requested." */
    static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;

    private final BrokerContext broker;

    public MetadataHandler(BrokerContext broker) {
        super(ApiKeys.METADATA, ApiKeys.METADATA.oldestVersion(), ApiKeys.METADATA.latestVersion());
        this.broker = broker;
    }

    @Override
    ApiMessage respond(RequestContext ctx, MetadataRequestData request) throws Exception {
        MetadataResponseData data = new MetadataResponseData()
                .setClusterId(broker.clusterId())
                .setControllerId(broker.nodeId())
                .setClusterAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
        data.brokers()
                .add(new MetadataResponseData.MetadataResponseBroker()
                        .setNodeId(broker.nodeId())
                        .setHost(broker.advertised().host())
                        .setPort(broker.advertised().port()));
        List<String> names = new ArrayList<>();
        List<MetadataResponseData.MetadataResponseTopic> unknownIds = new ArrayList<>();
        // v0 has no null array: an empty topic list means every topic.
        if (request.topics() == null
                || (ctx.apiVersion() == 0 && request.topics().isEmpty())) {
            for (TopicImage t : broker.topics().image().topics()) {
                names.add(t.name());
            }
        } else {
            for (MetadataRequestData.MetadataRequestTopic t : request.topics()) {
                // By id (v10+): kafka-clients leave the name at its default "" (not null) then, e.g. the
                // KIP-848 consumer asking for the topics of its assignment.
                boolean unnamed = t.name() == null || t.name().isEmpty();
                if (unnamed && t.topicId() != null && !Uuid.ZERO_UUID.equals(t.topicId())) {
                    String name = broker.resolveTopic(null, t.topicId());
                    if (name == null) {
                        unknownIds.add(new MetadataResponseData.MetadataResponseTopic()
                                .setTopicId(t.topicId())
                                .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code())
                                .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED));
                    } else {
                        names.add(name);
                    }
                } else {
                    names.add(t.name());
                }
            }
        }
        boolean autoCreate = request.allowAutoTopicCreation() && broker.config().autoCreateTopics();
        for (String name : names) {
            data.topics().add(topic(name, autoCreate));
        }
        for (MetadataResponseData.MetadataResponseTopic t : unknownIds) {
            data.topics().add(t);
        }
        return data;
    }

    /** Kafka's internal topics (coordinator state). */
    static boolean isInternal(String topic) {
        return topic.equals("__consumer_offsets") || topic.equals("__transaction_state");
    }

    private MetadataResponseData.MetadataResponseTopic topic(String name, boolean autoCreate) throws Exception {
        MetadataResponseData.MetadataResponseTopic out = new MetadataResponseData.MetadataResponseTopic()
                .setName(name)
                .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
        TopicImage topic = broker.topics().image().topic(name);
        if (topic == null) {
            if (TopicService.validateTopicName(name) != null) {
                return out.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code());
            }
            if (!autoCreate) {
                return out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            }
            TopicService.Outcome created = broker.topics().createTopic(name, -1, (short) -1, Map.of(), false);
            topic = broker.topics().image().topic(name);
            if (topic == null) {
                return out.setErrorCode(created.error().code());
            }
        }
        out.setTopicId(BrokerContext.toKafka(topic.topicId())).setIsInternal(isInternal(name));
        for (int p = 0; p < topic.partitions(); p++) {
            out.partitions()
                    .add(new MetadataResponseData.MetadataResponsePartition()
                            .setPartitionIndex(p)
                            .setLeaderId(broker.nodeId())
                            .setLeaderEpoch(0)
                            .setReplicaNodes(List.of(broker.nodeId()))
                            .setIsrNodes(List.of(broker.nodeId()))
                            .setOfflineReplicas(List.of()));
        }
        return out;
    }
}
