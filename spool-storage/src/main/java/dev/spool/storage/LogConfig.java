package dev.spool.storage;

import static dev.spool.common.config.ConfigDef.Type.BOOLEAN;
import static dev.spool.common.config.ConfigDef.Type.DOUBLE;
import static dev.spool.common.config.ConfigDef.Type.INT;
import static dev.spool.common.config.ConfigDef.Type.LIST;
import static dev.spool.common.config.ConfigDef.Type.LONG;
import static dev.spool.common.config.ConfigDef.Type.STRING;
import static dev.spool.common.config.ConfigDef.atLeast;
import static dev.spool.common.config.ConfigDef.between;
import static dev.spool.common.config.ConfigDef.oneOf;

import dev.spool.common.config.ConfigDef;
import dev.spool.common.config.ParsedConfig;
import dev.spool.protocol.adapter.KafkaRecords;
import java.util.List;
import java.util.Map;

/**
 * Per-log (topic-level) configuration, with Kafka's key names and defaults. {@link #DEF} declares every
 * topic-level key of Kafka 4.4 (validated as Kafka does); the record holds the ones the log acts on.
 * Which values the broker refuses as unsupported is the server's decision (its topic service).
 * Immutable; a config change replaces the log's instance.
 */
public record LogConfig(
        int segmentBytes,
        long segmentMs,
        int segmentIndexBytes,
        int indexIntervalBytes,
        int maxMessageBytes,
        TimestampType timestampType,
        long retentionMs,
        long retentionBytes,
        long flushMessages,
        long flushMs,
        long fileDeleteDelayMs,
        boolean compact,
        boolean delete,
        long deleteRetentionMs,
        long minCompactionLagMs,
        long maxCompactionLagMs,
        double minCleanableDirtyRatio,
        long segmentJitterMs,
        int minInsyncReplicas,
        long messageTimestampBeforeMaxMs,
        long messageTimestampAfterMaxMs,
        int maxDecompressedMessageBytes) {

    /** Which timestamp a batch keeps: the producer's or the broker's append time. */
    public enum TimestampType {
        CREATE_TIME,
        LOG_APPEND_TIME
    }

    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";
    public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
    public static final String RETENTION_MS = "retention.ms";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String FLUSH_MESSAGES = "flush.messages";
    public static final String FLUSH_MS = "flush.ms";
    public static final String FILE_DELETE_DELAY_MS = "file.delete.delay.ms";
    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
    public static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";
    public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";

    public static final String SEGMENT_JITTER_MS = "segment.jitter.ms";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "message.timestamp.before.max.ms";
    public static final String MESSAGE_TIMESTAMP_AFTER_MAX_MS = "message.timestamp.after.max.ms";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String COMPRESSION_GZIP_LEVEL = "compression.gzip.level";
    public static final String COMPRESSION_LZ4_LEVEL = "compression.lz4.level";
    public static final String COMPRESSION_ZSTD_LEVEL = "compression.zstd.level";
    public static final String PREALLOCATE = "preallocate";
    public static final String MAX_DECOMPRESSED_MESSAGE_BYTES = "max.decompressed.message.bytes";
    public static final String REMOTE_STORAGE_ENABLE = "remote.storage.enable";
    public static final String LOCAL_RETENTION_MS = "local.retention.ms";
    public static final String LOCAL_RETENTION_BYTES = "local.retention.bytes";
    public static final String REMOTE_LOG_COPY_DISABLE = "remote.log.copy.disable";
    public static final String REMOTE_COPY_LAG_MS = "remote.copy.lag.ms";
    public static final String REMOTE_COPY_LAG_BYTES = "remote.copy.lag.bytes";
    public static final String REMOTE_LOG_DELETE_ON_DISABLE = "remote.log.delete.on.disable";
    public static final String ERRORS_DEADLETTERQUEUE_GROUP_ENABLE = "errors.deadletterqueue.group.enable";
    public static final String LEADER_REPLICATION_THROTTLED_REPLICAS = "leader.replication.throttled.replicas";
    public static final String FOLLOWER_REPLICATION_THROTTLED_REPLICAS = "follower.replication.throttled.replicas";

    public static final String POLICY_COMPACT = "compact";
    public static final String POLICY_DELETE = "delete";

    /** The smallest segment Kafka allows: one batch header must fit. */
    public static final int MIN_SEGMENT_BYTES = 14;

    public static final ConfigDef DEF = new ConfigDef()
            .define(SEGMENT_BYTES, INT, "1073741824", atLeast(MIN_SEGMENT_BYTES), "Size of a log segment file")
            .define(SEGMENT_MS, LONG, "604800000", atLeast(1), "Time after which a segment is rolled")
            .define(SEGMENT_INDEX_BYTES, INT, "10485760", atLeast(8), "Size of the offset and time index files")
            .define(INDEX_INTERVAL_BYTES, INT, "4096", atLeast(0), "Bytes between offset index entries")
            .define(MAX_MESSAGE_BYTES, INT, "1048588", atLeast(0), "Largest record batch accepted")
            .define(
                    MESSAGE_TIMESTAMP_TYPE,
                    STRING,
                    "CreateTime",
                    oneOf("CreateTime", "LogAppendTime"),
                    "CreateTime or LogAppendTime")
            .define(RETENTION_MS, LONG, "604800000", atLeast(-1), "Age after which segments are deleted; -1: never")
            .define(RETENTION_BYTES, LONG, "-1", atLeast(-1), "Size above which old segments are deleted; -1: never")
            .define(FLUSH_MESSAGES, LONG, String.valueOf(Long.MAX_VALUE), atLeast(1), "Messages between fsyncs")
            .define(FLUSH_MS, LONG, String.valueOf(Long.MAX_VALUE), atLeast(0), "Milliseconds between fsyncs")
            .define(FILE_DELETE_DELAY_MS, LONG, "60000", atLeast(0), "Delay before deleted files are removed")
            .define(
                    CLEANUP_POLICY,
                    LIST,
                    POLICY_DELETE,
                    LogConfig::validatePolicy,
                    "delete, compact, or both: how old segments are cleaned up")
            .define(DELETE_RETENTION_MS, LONG, "86400000", atLeast(0), "How long tombstones are kept after cleaning")
            .define(MIN_COMPACTION_LAG_MS, LONG, "0", atLeast(0), "Minimum age of a record before it is compacted")
            .define(
                    MAX_COMPACTION_LAG_MS,
                    LONG,
                    String.valueOf(Long.MAX_VALUE),
                    atLeast(1),
                    "Maximum age of a record before it must be compacted")
            .define(
                    MIN_CLEANABLE_DIRTY_RATIO,
                    DOUBLE,
                    "0.5",
                    between(0, 1),
                    "Dirty fraction of a log above which it is cleaned")
            .define(SEGMENT_JITTER_MS, LONG, "0", atLeast(0), "Up to this much is taken off segment.ms per segment")
            .define(MIN_INSYNC_REPLICAS, INT, "1", atLeast(1), "In-sync replicas an acks=all write needs")
            .define(
                    MESSAGE_TIMESTAMP_BEFORE_MAX_MS,
                    LONG,
                    String.valueOf(Long.MAX_VALUE),
                    atLeast(0),
                    "How far in the past a CreateTime timestamp may be")
            .define(
                    MESSAGE_TIMESTAMP_AFTER_MAX_MS,
                    LONG,
                    "3600000",
                    atLeast(0),
                    "How far in the future a CreateTime timestamp may be")
            .define(UNCLEAN_LEADER_ELECTION_ENABLE, BOOLEAN, "false", "Out-of-sync replicas may become leader")
            .define(
                    COMPRESSION_TYPE,
                    STRING,
                    "producer",
                    oneOf("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"),
                    "Codec of stored batches; producer keeps the producer's")
            .define(
                    COMPRESSION_GZIP_LEVEL,
                    INT,
                    "-1",
                    v -> (Integer) v == -1 || ((Integer) v >= 1 && (Integer) v <= 9)
                            ? null
                            : "Value must be -1 or in the range [1, 9]",
                    "gzip level when the broker compresses")
            .define(COMPRESSION_LZ4_LEVEL, INT, "9", between(1, 17), "lz4 level when the broker compresses")
            .define(COMPRESSION_ZSTD_LEVEL, INT, "3", between(-131072, 22), "zstd level when the broker compresses")
            .define(PREALLOCATE, BOOLEAN, "false", "Preallocate segment files")
            .define(
                    MAX_DECOMPRESSED_MESSAGE_BYTES,
                    INT,
                    String.valueOf(KafkaRecords.NO_RECORD_BOUND), // Kafka's 2147483639: no bound
                    atLeast(0),
                    "Largest decompressed size of one record where the broker decompresses (compacted-topic"
                            + " produce, compaction, timestamp lookups)")
            .define(REMOTE_STORAGE_ENABLE, BOOLEAN, "false", "Tiered storage")
            .define(LOCAL_RETENTION_MS, LONG, "-2", atLeast(-2), "Local retention with tiered storage")
            .define(LOCAL_RETENTION_BYTES, LONG, "-2", atLeast(-2), "Local retention with tiered storage")
            .define(REMOTE_LOG_COPY_DISABLE, BOOLEAN, "false", "Tiered storage: stop copying")
            .define(REMOTE_COPY_LAG_MS, LONG, "0", atLeast(0), "Tiered storage: copy lag")
            .define(REMOTE_COPY_LAG_BYTES, LONG, "-1", atLeast(-1), "Tiered storage: copy lag")
            .define(REMOTE_LOG_DELETE_ON_DISABLE, BOOLEAN, "false", "Tiered storage: delete remote data on disable")
            .define(ERRORS_DEADLETTERQUEUE_GROUP_ENABLE, BOOLEAN, "false", "Dead-letter queue group")
            .define(
                    LEADER_REPLICATION_THROTTLED_REPLICAS,
                    LIST,
                    "",
                    LogConfig::validateThrottledReplicas,
                    "Replicas throttled on the leader side")
            .define(
                    FOLLOWER_REPLICATION_THROTTLED_REPLICAS,
                    LIST,
                    "",
                    LogConfig::validateThrottledReplicas,
                    "Replicas throttled on the follower side");

    /** Kafka's throttled-replicas list: {@code *} or {@code partition:broker} pairs. */
    private static String validateThrottledReplicas(Object v) {
        List<?> list = (List<?>) v;
        for (Object o : list) {
            String s = String.valueOf(o).trim();
            if (list.size() == 1 && s.equals("*")) {
                return null;
            }
            if (!s.matches("[0-9]+:[0-9]+")) {
                return "must be the literal '*' or a list of replicas in the following format: "
                        + "[partitionId]:[brokerId],[partitionId]:[brokerId],...";
            }
        }
        return null;
    }

    /**
     * Kafka's {@code ValidList.in("compact", "delete")}: known policies only. An empty list is valid
     * (Kafka 4.x: infinite retention, neither deleted nor compacted).
     */
    private static String validatePolicy(Object v) {
        List<?> list = (List<?>) v;
        for (Object p : list) {
            if (!POLICY_COMPACT.equals(p) && !POLICY_DELETE.equals(p)) {
                return "Invalid value " + p + " for configuration " + CLEANUP_POLICY
                        + ": String must be one of: compact, delete";
            }
        }
        return null;
    }

    /** Kafka's defaults for every key. */
    public static LogConfig defaults() {
        return from(Map.of());
    }

    /** Parses topic-level overrides; bad values throw a {@code ConfigException} naming key and value. */
    public static LogConfig from(Map<String, ?> props) {
        ParsedConfig c = DEF.parse(props);
        return new LogConfig(
                c.getInt(SEGMENT_BYTES),
                c.getLong(SEGMENT_MS),
                c.getInt(SEGMENT_INDEX_BYTES),
                c.getInt(INDEX_INTERVAL_BYTES),
                c.getInt(MAX_MESSAGE_BYTES),
                "LogAppendTime".equals(c.getString(MESSAGE_TIMESTAMP_TYPE))
                        ? TimestampType.LOG_APPEND_TIME
                        : TimestampType.CREATE_TIME,
                c.getLong(RETENTION_MS),
                c.getLong(RETENTION_BYTES),
                c.getLong(FLUSH_MESSAGES),
                c.getLong(FLUSH_MS),
                c.getLong(FILE_DELETE_DELAY_MS),
                c.getList(CLEANUP_POLICY).contains(POLICY_COMPACT),
                c.getList(CLEANUP_POLICY).contains(POLICY_DELETE),
                c.getLong(DELETE_RETENTION_MS),
                c.getLong(MIN_COMPACTION_LAG_MS),
                c.getLong(MAX_COMPACTION_LAG_MS),
                c.getDouble(MIN_CLEANABLE_DIRTY_RATIO),
                c.getLong(SEGMENT_JITTER_MS),
                c.getInt(MIN_INSYNC_REPLICAS),
                c.getLong(MESSAGE_TIMESTAMP_BEFORE_MAX_MS),
                c.getLong(MESSAGE_TIMESTAMP_AFTER_MAX_MS),
                c.getInt(MAX_DECOMPRESSED_MESSAGE_BYTES));
    }
}
