package dev.spool.server.handlers;

import dev.spool.metadata.TopicImage;
import dev.spool.server.BrokerContext;
import dev.spool.server.TopicService;
import dev.spool.server.network.RequestContext;
import dev.spool.storage.ActiveProducer;
import dev.spool.storage.Log;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeProducers (v0, the only version of Kafka 4.4): per requested partition, the producers its
 * log remembers — producer id, epoch, last sequence, last timestamp, the coordinator epoch of its last
 * marker and the start offset of its ongoing transaction (-1 if none), from
 * {@link Log#activeProducers()}. {@code kafka-transactions.sh describe-producers} and
 * {@code abort --start-offset} use it.
 *
 * <p>Errors as Kafka answers them: an illegal topic name is INVALID_TOPIC_EXCEPTION (with the reason)
 * and an unknown topic UNKNOWN_TOPIC_OR_PARTITION (with Kafka's message), for each of its partitions;
 * a partition the topic does not have is UNKNOWN_TOPIC_OR_PARTITION without a message; an offline log
 * is KAFKA_STORAGE_ERROR. A single node leads every partition, so NOT_LEADER_OR_FOLLOWER does not
 * arise; there is no authorization. Stateless; thread-safe (the log copies its state under its lock).
 */
public final class DescribeProducersHandler extends SimpleHandler<DescribeProducersRequestData> {
    private final BrokerContext broker;

    public DescribeProducersHandler(BrokerContext broker) {
        super(ApiKeys.DESCRIBE_PRODUCERS, 0, 0);
        this.broker = broker;
    }

    @Override
    ApiMessage respond(RequestContext ctx, DescribeProducersRequestData request) {
        DescribeProducersResponseData data = new DescribeProducersResponseData();
        for (DescribeProducersRequestData.TopicRequest t : request.topics()) {
            DescribeProducersResponseData.TopicResponse tr =
                    new DescribeProducersResponseData.TopicResponse().setName(t.name());
            String invalid = TopicService.validateTopicName(t.name());
            TopicImage topic = invalid == null ? broker.topics().image().topic(t.name()) : null;
            for (int partition : t.partitionIndexes()) {
                DescribeProducersResponseData.PartitionResponse pr;
                if (invalid != null) {
                    pr = error(partition, Errors.INVALID_TOPIC_EXCEPTION, invalid);
                } else if (topic == null) {
                    pr = error(
                            partition, Errors.UNKNOWN_TOPIC_OR_PARTITION, Errors.UNKNOWN_TOPIC_OR_PARTITION.message());
                } else {
                    pr = partition(t.name(), partition);
                }
                tr.partitions().add(pr);
            }
            data.topics().add(tr);
        }
        return data;
    }

    private DescribeProducersResponseData.PartitionResponse partition(String topic, int partition) {
        Log log = broker.log(topic, partition);
        if (log == null) {
            return error(partition, Errors.UNKNOWN_TOPIC_OR_PARTITION, null);
        }
        if (log.isOffline()) {
            return error(partition, Errors.KAFKA_STORAGE_ERROR, null);
        }
        List<ActiveProducer> producers = log.activeProducers();
        List<DescribeProducersResponseData.ProducerState> states = new ArrayList<>(producers.size());
        for (ActiveProducer p : producers) {
            states.add(new DescribeProducersResponseData.ProducerState()
                    .setProducerId(p.producerId())
                    .setProducerEpoch(p.producerEpoch())
                    .setLastSequence(p.lastSequence())
                    .setLastTimestamp(p.lastTimestamp())
                    .setCoordinatorEpoch(p.coordinatorEpoch())
                    .setCurrentTxnStartOffset(p.currentTxnStartOffset()));
        }
        return new DescribeProducersResponseData.PartitionResponse()
                .setPartitionIndex(partition)
                .setErrorCode(Errors.NONE.code())
                .setActiveProducers(states);
    }

    private static DescribeProducersResponseData.PartitionResponse error(int partition, Errors error, String message) {
        return new DescribeProducersResponseData.PartitionResponse()
                .setPartitionIndex(partition)
                .setErrorCode(error.code())
                .setErrorMessage(message);
    }
}
