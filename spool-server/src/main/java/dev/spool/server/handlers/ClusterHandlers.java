package dev.spool.server.handlers;

import dev.spool.common.TopicPartition;
import dev.spool.server.BrokerContext;
import dev.spool.server.network.RequestContext;
import dev.spool.storage.Log;
import dev.spool.storage.LogOfflineException;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/** DescribeCluster, DeleteRecords and DescribeLogDirs. */
public final class ClusterHandlers {
    private ClusterHandlers() {}

    /** DescribeCluster: this node is the whole cluster and its controller. */
    public static final class DescribeCluster extends SimpleHandler<DescribeClusterRequestData> {
        private final BrokerContext broker;

        public DescribeCluster(BrokerContext broker) {
            super(
                    ApiKeys.DESCRIBE_CLUSTER,
                    ApiKeys.DESCRIBE_CLUSTER.oldestVersion(),
                    ApiKeys.DESCRIBE_CLUSTER.latestVersion());
            this.broker = broker;
        }

        @Override
        ApiMessage respond(RequestContext ctx, DescribeClusterRequestData request) {
            DescribeClusterResponseData data = new DescribeClusterResponseData()
                    .setClusterId(broker.clusterId())
                    .setControllerId(broker.nodeId())
                    .setEndpointType(request.endpointType())
                    .setClusterAuthorizedOperations(MetadataHandler.AUTHORIZED_OPERATIONS_OMITTED);
            data.brokers()
                    .add(new DescribeClusterResponseData.DescribeClusterBroker()
                            .setBrokerId(broker.nodeId())
                            .setHost(broker.advertised().host())
                            .setPort(broker.advertised().port()));
            return data;
        }
    }

    /** DeleteRecords: advances log start offsets; offset -1 means the high watermark. */
    public static final class DeleteRecords extends SimpleHandler<DeleteRecordsRequestData> {
        private final BrokerContext broker;

        public DeleteRecords(BrokerContext broker) {
            super(
                    ApiKeys.DELETE_RECORDS,
                    ApiKeys.DELETE_RECORDS.oldestVersion(),
                    ApiKeys.DELETE_RECORDS.latestVersion());
            this.broker = broker;
        }

        @Override
        ApiMessage respond(RequestContext ctx, DeleteRecordsRequestData request) {
            DeleteRecordsResponseData data = new DeleteRecordsResponseData();
            for (DeleteRecordsRequestData.DeleteRecordsTopic t : request.topics()) {
                DeleteRecordsResponseData.DeleteRecordsTopicResult tr =
                        new DeleteRecordsResponseData.DeleteRecordsTopicResult().setName(t.name());
                for (DeleteRecordsRequestData.DeleteRecordsPartition p : t.partitions()) {
                    DeleteRecordsResponseData.DeleteRecordsPartitionResult pr =
                            new DeleteRecordsResponseData.DeleteRecordsPartitionResult()
                                    .setPartitionIndex(p.partitionIndex())
                                    .setLowWatermark(-1);
                    Log log = broker.log(t.name(), p.partitionIndex());
                    if (log == null) {
                        pr.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                    } else {
                        try {
                            long offset = p.offset() == -1 ? log.highWatermark() : p.offset();
                            long low = offset < 0 ? -1 : log.deleteRecordsBefore(offset);
                            if (low < 0) {
                                pr.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
                            } else {
                                pr.setLowWatermark(low);
                            }
                        } catch (LogOfflineException e) {
                            pr.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
                        }
                    }
                    tr.partitions().add(pr);
                }
                data.topics().add(tr);
            }
            return data;
        }
    }

    /** DescribeLogDirs: partition sizes per log directory, and the directory's space. */
    public static final class DescribeLogDirs extends SimpleHandler<DescribeLogDirsRequestData> {
        private final BrokerContext broker;

        public DescribeLogDirs(BrokerContext broker) {
            super(
                    ApiKeys.DESCRIBE_LOG_DIRS,
                    ApiKeys.DESCRIBE_LOG_DIRS.oldestVersion(),
                    ApiKeys.DESCRIBE_LOG_DIRS.latestVersion());
            this.broker = broker;
        }

        @Override
        ApiMessage respond(RequestContext ctx, DescribeLogDirsRequestData request) {
            DescribeLogDirsResponseData data = new DescribeLogDirsResponseData();
            Map<String, List<Integer>> wanted = null;
            if (request.topics() != null) {
                wanted = new HashMap<>();
                for (DescribeLogDirsRequestData.DescribableLogDirTopic t : request.topics()) {
                    wanted.put(t.topic(), t.partitions());
                }
            }
            for (Path dir : broker.config().logDirs()) {
                DescribeLogDirsResponseData.DescribeLogDirsResult result =
                        new DescribeLogDirsResponseData.DescribeLogDirsResult().setLogDir(dir.toString());
                try {
                    FileStore store = Files.getFileStore(dir);
                    result.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
                } catch (IOException e) {
                    result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code())
                            .setTotalBytes(-1)
                            .setUsableBytes(-1);
                }
                Map<String, DescribeLogDirsResponseData.DescribeLogDirsTopic> topics = new HashMap<>();
                for (Log log : broker.logs().allLogs()) {
                    TopicPartition tp = log.topicPartition();
                    if (!log.dir().getParent().equals(dir)) {
                        continue;
                    }
                    if (wanted != null
                            && (!wanted.containsKey(tp.topic())
                                    || !wanted.get(tp.topic()).contains(tp.partition()))) {
                        continue;
                    }
                    topics.computeIfAbsent(tp.topic(), n -> {
                                DescribeLogDirsResponseData.DescribeLogDirsTopic t =
                                        new DescribeLogDirsResponseData.DescribeLogDirsTopic().setName(n);
                                result.topics().add(t);
                                return t;
                            })
                            .partitions()
                            .add(new DescribeLogDirsResponseData.DescribeLogDirsPartition()
                                    .setPartitionIndex(tp.partition())
                                    .setPartitionSize(log.size())
                                    .setOffsetLag(0)
                                    .setIsFutureKey(false));
                }
                data.results().add(result);
            }
            return data;
        }
    }
}
