package dev.spool.server.handlers;

import dev.spool.metadata.TopicImage;
import dev.spool.server.BrokerContext;
import dev.spool.server.TopicService;
import dev.spool.server.network.RequestContext;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/** CreateTopics, including validate-only and topic configs. Replication factor must be 1 on one node. */
public final class CreateTopicsHandler extends SimpleHandler<CreateTopicsRequestData> {
    private final BrokerContext broker;

    public CreateTopicsHandler(BrokerContext broker) {
        super(ApiKeys.CREATE_TOPICS, ApiKeys.CREATE_TOPICS.oldestVersion(), ApiKeys.CREATE_TOPICS.latestVersion());
        this.broker = broker;
    }

    @Override
    ApiMessage respond(RequestContext ctx, CreateTopicsRequestData request) throws Exception {
        CreateTopicsResponseData data = new CreateTopicsResponseData();
        for (CreateTopicsRequestData.CreatableTopic t : request.topics()) {
            CreateTopicsResponseData.CreatableTopicResult result =
                    new CreateTopicsResponseData.CreatableTopicResult().setName(t.name());
            Map<String, String> configs = new HashMap<>();
            for (CreateTopicsRequestData.CreatableTopicConfig c : t.configs()) {
                configs.put(c.name(), c.value());
            }
            int partitions = t.numPartitions();
            short rf = t.replicationFactor();
            TopicService.Outcome outcome = null;
            if (!t.assignments().isEmpty()) {
                if (partitions != -1 || rf != -1) {
                    outcome = new TopicService.Outcome(
                            Errors.INVALID_REQUEST,
                            "Both numPartitions or replicationFactor and replicasAssignments were set.");
                } else {
                    partitions = t.assignments().size();
                    rf = (short) t.assignments().iterator().next().brokerIds().size();
                    for (CreateTopicsRequestData.CreatableReplicaAssignment a : t.assignments()) {
                        outcome = outcome != null
                                ? outcome
                                : TopicAdminHandlers.checkAssignment(a.brokerIds(), broker.nodeId());
                    }
                }
            }
            if (outcome == null) {
                outcome = broker.topics().createTopic(t.name(), partitions, rf, configs, request.validateOnly());
            }
            result.setErrorCode(outcome.error().code()).setErrorMessage(outcome.message());
            if (outcome.ok()) {
                int count = partitions == -1 ? broker.config().numPartitions() : partitions;
                result.setNumPartitions(count).setReplicationFactor((short) 1);
                TopicImage created = broker.topics().image().topic(t.name());
                if (created != null && !request.validateOnly()) {
                    result.setTopicId(BrokerContext.toKafka(created.topicId()));
                }
            } else {
                result.setNumPartitions(-1).setReplicationFactor((short) -1);
            }
            data.topics().add(result);
        }
        return data;
    }
}
