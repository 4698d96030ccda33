package dev.spool.server.handlers;

import dev.spool.metadata.TopicImage;
import dev.spool.server.BrokerContext;
import dev.spool.server.TopicService;
import dev.spool.server.network.RequestContext;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/** DeleteTopics and CreatePartitions. */
public final class TopicAdminHandlers {
    private TopicAdminHandlers() {}

    /** A manual replica assignment may name only this broker; null if it does, else the error. */
    static TopicService.Outcome checkAssignment(Iterable<Integer> brokerIds, int nodeId) {
        for (int id : brokerIds) {
            if (id != nodeId) {
                return new TopicService.Outcome(
                        Errors.INVALID_REPLICA_ASSIGNMENT, "Unknown broker id " + id + " in assignment");
            }
        }
        return null;
    }

    /** DeleteTopics: by name (all versions) or by topic id (v6+). */
    public static final class DeleteTopics extends SimpleHandler<DeleteTopicsRequestData> {
        private final BrokerContext broker;

        public DeleteTopics(BrokerContext broker) {
            super(ApiKeys.DELETE_TOPICS, ApiKeys.DELETE_TOPICS.oldestVersion(), ApiKeys.DELETE_TOPICS.latestVersion());
            this.broker = broker;
        }

        @Override
        ApiMessage respond(RequestContext ctx, DeleteTopicsRequestData request) throws Exception {
            DeleteTopicsResponseData data = new DeleteTopicsResponseData();
            List<DeleteTopicsRequestData.DeleteTopicState> targets = new ArrayList<>(request.topics());
            for (String name : request.topicNames()) {
                targets.add(new DeleteTopicsRequestData.DeleteTopicState().setName(name));
            }
            for (DeleteTopicsRequestData.DeleteTopicState t : targets) {
                DeleteTopicsResponseData.DeletableTopicResult r = new DeleteTopicsResponseData.DeletableTopicResult()
                        .setName(t.name())
                        .setTopicId(t.topicId() == null ? Uuid.ZERO_UUID : t.topicId());
                String name = broker.resolveTopic(t.name(), t.topicId());
                if (name == null) {
                    data.responses().add(r.setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
                    continue;
                }
                TopicImage image = broker.topics().image().topic(name);
                TopicService.Outcome outcome = broker.topics().deleteTopic(name);
                r.setName(name).setErrorCode(outcome.error().code()).setErrorMessage(outcome.message());
                if (image != null) {
                    r.setTopicId(BrokerContext.toKafka(image.topicId()));
                }
                data.responses().add(r);
            }
            return data;
        }
    }

    /** CreatePartitions: grows topics; manual assignments may only name this broker. */
    public static final class CreatePartitions extends SimpleHandler<CreatePartitionsRequestData> {
        private final BrokerContext broker;

        public CreatePartitions(BrokerContext broker) {
            super(
                    ApiKeys.CREATE_PARTITIONS,
                    ApiKeys.CREATE_PARTITIONS.oldestVersion(),
                    ApiKeys.CREATE_PARTITIONS.latestVersion());
            this.broker = broker;
        }

        @Override
        ApiMessage respond(RequestContext ctx, CreatePartitionsRequestData request) throws Exception {
            CreatePartitionsResponseData data = new CreatePartitionsResponseData();
            for (CreatePartitionsRequestData.CreatePartitionsTopic t : request.topics()) {
                TopicService.Outcome outcome = null;
                if (t.assignments() != null) {
                    for (CreatePartitionsRequestData.CreatePartitionsAssignment a : t.assignments()) {
                        outcome = outcome != null ? outcome : checkAssignment(a.brokerIds(), broker.nodeId());
                    }
                }
                if (outcome == null) {
                    outcome = broker.topics().createPartitions(t.name(), t.count(), request.validateOnly());
                }
                data.results()
                        .add(new CreatePartitionsResponseData.CreatePartitionsTopicResult()
                                .setName(t.name())
                                .setErrorCode(outcome.error().code())
                                .setErrorMessage(outcome.message()));
            }
            return data;
        }
    }
}
