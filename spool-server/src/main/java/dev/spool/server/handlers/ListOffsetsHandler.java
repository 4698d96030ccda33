package dev.spool.server.handlers;

import dev.spool.server.BrokerContext;
import dev.spool.server.network.RequestContext;
import dev.spool.storage.Log;
import dev.spool.storage.LogOfflineException;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * ListOffsets: latest (the high watermark, as Kafka answers consumers; the last stable offset for
 * {@code isolation_level} read_committed), earliest, earliest-local,
 * max-timestamp, or the first record at or after a timestamp. Latest-tiered answers -1 (no tiered
 * storage); a timestamp with no record at or after it answers offset -1.
 */
public final class ListOffsetsHandler extends SimpleHandler<ListOffsetsRequestData> {
    static final long LATEST_TIERED_TIMESTAMP = -5L;
    static final long EARLIEST_PENDING_UPLOAD_TIMESTAMP = -6L;
    /** ListOffsets v4 added the leader epoch to the response. */
    static final short MIN_VERSION_WITH_LEADER_EPOCH = 4;

    static final int NO_LEADER_EPOCH = -1;
    /** ListOffsets v2+ {@code isolation_level}: 1 = read_committed. */
    static final byte READ_COMMITTED = 1;

    private final BrokerContext broker;

    public ListOffsetsHandler(BrokerContext broker) {
        super(ApiKeys.LIST_OFFSETS, ApiKeys.LIST_OFFSETS.oldestVersion(), ApiKeys.LIST_OFFSETS.latestVersion());
        this.broker = broker;
    }

    @Override
    ApiMessage respond(RequestContext ctx, ListOffsetsRequestData request) {
        ListOffsetsResponseData data = new ListOffsetsResponseData();
        for (ListOffsetsRequestData.ListOffsetsTopic t : request.topics()) {
            ListOffsetsResponseData.ListOffsetsTopicResponse tr =
                    new ListOffsetsResponseData.ListOffsetsTopicResponse().setName(t.name());
            for (ListOffsetsRequestData.ListOffsetsPartition p : t.partitions()) {
                ListOffsetsResponseData.ListOffsetsPartitionResponse pr =
                        partition(t.name(), p, request.isolationLevel() == READ_COMMITTED);
                if (ctx.apiVersion() < MIN_VERSION_WITH_LEADER_EPOCH) {
                    pr.setLeaderEpoch(NO_LEADER_EPOCH); // not in the response before v4: cannot be encoded
                }
                tr.partitions().add(pr);
            }
            data.topics().add(tr);
        }
        return data;
    }

    private ListOffsetsResponseData.ListOffsetsPartitionResponse partition(
            String topic, ListOffsetsRequestData.ListOffsetsPartition p, boolean readCommitted) {
        ListOffsetsResponseData.ListOffsetsPartitionResponse out =
                new ListOffsetsResponseData.ListOffsetsPartitionResponse()
                        .setPartitionIndex(p.partitionIndex())
                        .setTimestamp(-1)
                        .setOffset(-1)
                        .setLeaderEpoch(-1);
        Log log = broker.log(topic, p.partitionIndex());
        if (log == null) {
            return out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        if (p.currentLeaderEpoch() > 0) {
            return out.setErrorCode(Errors.UNKNOWN_LEADER_EPOCH.code());
        }
        long ts = p.timestamp();
        // What a consumer of this isolation level may read up to (Kafka's "last fetchable offset").
        long lastFetchable = readCommitted ? log.lastStableOffset() : log.highWatermark();
        try {
            if (ts == Log.LATEST_TIMESTAMP) {
                return out.setOffset(lastFetchable).setLeaderEpoch(0);
            }
            if (ts == LATEST_TIERED_TIMESTAMP || ts == EARLIEST_PENDING_UPLOAD_TIMESTAMP) {
                return out;
            }
            Log.TimestampOffset found = log.fetchOffsetByTimestamp(ts);
            if (found == null || found.offset() >= lastFetchable && ts >= 0) {
                return out;
            }
            return out.setTimestamp(found.timestamp()).setOffset(found.offset()).setLeaderEpoch(0);
        } catch (LogOfflineException e) {
            return out.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
        }
    }
}
