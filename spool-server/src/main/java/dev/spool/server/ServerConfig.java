package dev.spool.server;

import static dev.spool.common.config.ConfigDef.Type.BOOLEAN;
import static dev.spool.common.config.ConfigDef.Type.DOUBLE;
import static dev.spool.common.config.ConfigDef.Type.INT;
import static dev.spool.common.config.ConfigDef.Type.LIST;
import static dev.spool.common.config.ConfigDef.Type.LONG;
import static dev.spool.common.config.ConfigDef.Type.STRING;
import static dev.spool.common.config.ConfigDef.atLeast;
import static dev.spool.common.config.ConfigDef.oneOf;

import dev.spool.common.config.ConfigDef;
import dev.spool.common.config.ConfigException;
import dev.spool.common.config.ParsedConfig;
import dev.spool.coordinator.ConsumerGroupConfig;
import dev.spool.coordinator.GroupCoordinatorConfig;
import dev.spool.coordinator.TransactionCoordinatorConfig;
import dev.spool.protocol.record.RecordBatch;
import dev.spool.storage.LogCleaner;
import dev.spool.storage.LogConfig;
import dev.spool.storage.LogManager;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Broker configuration with Kafka's key names and defaults. Unknown keys are warned about by name;
 * a bad value is a {@link ConfigException} naming key and value.
 */
public final class ServerConfig {
    public static final String NODE_ID = "node.id";
    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String LOG_DIRS = "log.dirs";
    public static final String LOG_DIR = "log.dir";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    public static final String MESSAGE_MAX_BYTES = "message.max.bytes";
    public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
    public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";
    public static final String CLUSTER_ID = "cluster.id";
    public static final String LOG_SEGMENT_BYTES = "log.segment.bytes";
    public static final String LOG_ROLL_MS = "log.roll.ms";
    public static final String LOG_ROLL_HOURS = "log.roll.hours";
    public static final String LOG_RETENTION_MS = "log.retention.ms";
    public static final String LOG_RETENTION_MINUTES = "log.retention.minutes";
    public static final String LOG_RETENTION_HOURS = "log.retention.hours";
    public static final String LOG_RETENTION_BYTES = "log.retention.bytes";
    public static final String LOG_RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String LOG_FLUSH_INTERVAL_MESSAGES = "log.flush.interval.messages";
    public static final String LOG_FLUSH_INTERVAL_MS = "log.flush.interval.ms";
    public static final String LOG_INDEX_INTERVAL_BYTES = "log.index.interval.bytes";
    public static final String LOG_INDEX_SIZE_MAX_BYTES = "log.index.size.max.bytes";
    public static final String LOG_MESSAGE_TIMESTAMP_TYPE = "log.message.timestamp.type";
    public static final String LOG_SEGMENT_DELETE_DELAY_MS = "log.segment.delete.delay.ms";
    public static final String LOG_ROLL_JITTER_MS = "log.roll.jitter.ms";
    public static final String LOG_ROLL_JITTER_HOURS = "log.roll.jitter.hours";
    public static final String LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "log.message.timestamp.before.max.ms";
    public static final String LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS = "log.message.timestamp.after.max.ms";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";
    public static final String LOG_CLEANUP_POLICY = "log.cleanup.policy";
    public static final String LOG_CLEANER_ENABLE = "log.cleaner.enable";
    public static final String LOG_CLEANER_THREADS = "log.cleaner.threads";
    public static final String LOG_CLEANER_DEDUPE_BUFFER_SIZE = "log.cleaner.dedupe.buffer.size";
    public static final String LOG_CLEANER_IO_BUFFER_SIZE = "log.cleaner.io.buffer.size";
    public static final String LOG_CLEANER_IO_BUFFER_LOAD_FACTOR = "log.cleaner.io.buffer.load.factor";
    public static final String LOG_CLEANER_IO_MAX_BYTES_PER_SECOND = "log.cleaner.io.max.bytes.per.second";
    public static final String LOG_CLEANER_BACKOFF_MS = "log.cleaner.backoff.ms";
    public static final String LOG_CLEANER_MIN_CLEANABLE_RATIO = "log.cleaner.min.cleanable.ratio";
    public static final String LOG_CLEANER_MIN_COMPACTION_LAG_MS = "log.cleaner.min.compaction.lag.ms";
    public static final String LOG_CLEANER_MAX_COMPACTION_LAG_MS = "log.cleaner.max.compaction.lag.ms";
    public static final String LOG_CLEANER_DELETE_RETENTION_MS = "log.cleaner.delete.retention.ms";
    public static final String PRODUCER_ID_EXPIRATION_MS = "producer.id.expiration.ms";
    public static final String PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS = "producer.id.expiration.check.interval.ms";
    public static final String OFFSETS_TOPIC_NUM_PARTITIONS = "offsets.topic.num.partitions";
    public static final String OFFSETS_TOPIC_SEGMENT_BYTES = "offsets.topic.segment.bytes";
    public static final String OFFSETS_RETENTION_MINUTES = "offsets.retention.minutes";
    public static final String OFFSETS_RETENTION_CHECK_INTERVAL_MS = "offsets.retention.check.interval.ms";
    public static final String OFFSET_METADATA_MAX_BYTES = "offset.metadata.max.bytes";
    public static final String GROUP_MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
    public static final String GROUP_MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
    public static final String GROUP_INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
    public static final String GROUP_MAX_SIZE = "group.max.size";
    public static final String GROUP_COORDINATOR_THREADS = "group.coordinator.threads";
    public static final String TRANSACTION_STATE_LOG_NUM_PARTITIONS = "transaction.state.log.num.partitions";
    public static final String TRANSACTION_STATE_LOG_REPLICATION_FACTOR = "transaction.state.log.replication.factor";
    public static final String TRANSACTION_STATE_LOG_MIN_ISR = "transaction.state.log.min.isr";
    public static final String TRANSACTION_STATE_LOG_SEGMENT_BYTES = "transaction.state.log.segment.bytes";
    public static final String TRANSACTION_STATE_LOG_LOAD_BUFFER_SIZE = "transaction.state.log.load.buffer.size";
    public static final String TRANSACTION_MAX_TIMEOUT_MS = "transaction.max.timeout.ms";
    public static final String TRANSACTIONAL_ID_EXPIRATION_MS = "transactional.id.expiration.ms";
    public static final String TRANSACTION_ABORT_TIMED_OUT_CLEANUP_INTERVAL_MS =
            "transaction.abort.timed.out.transaction.cleanup.interval.ms";
    public static final String TRANSACTION_REMOVE_EXPIRED_CLEANUP_INTERVAL_MS =
            "transaction.remove.expired.transaction.cleanup.interval.ms";
    public static final String GROUP_COORDINATOR_REBALANCE_PROTOCOLS = "group.coordinator.rebalance.protocols";
    public static final String GROUP_CONSUMER_SESSION_TIMEOUT_MS = "group.consumer.session.timeout.ms";
    public static final String GROUP_CONSUMER_MIN_SESSION_TIMEOUT_MS = "group.consumer.min.session.timeout.ms";
    public static final String GROUP_CONSUMER_MAX_SESSION_TIMEOUT_MS = "group.consumer.max.session.timeout.ms";
    public static final String GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS = "group.consumer.heartbeat.interval.ms";
    public static final String GROUP_CONSUMER_MIN_HEARTBEAT_INTERVAL_MS = "group.consumer.min.heartbeat.interval.ms";
    public static final String GROUP_CONSUMER_MAX_HEARTBEAT_INTERVAL_MS = "group.consumer.max.heartbeat.interval.ms";
    public static final String GROUP_CONSUMER_MAX_SIZE = "group.consumer.max.size";
    public static final String GROUP_CONSUMER_ASSIGNORS = "group.consumer.assignors";

    static final ConfigDef DEF = new ConfigDef()
            .define(NODE_ID, INT, "1", atLeast(0), "This broker's id")
            .define(LISTENERS, LIST, "PLAINTEXT://127.0.0.1:9092", ConfigDef.nonEmptyList(), "Listener URIs")
            .define(ADVERTISED_LISTENERS, LIST, null, "Addresses handed to clients; default: listeners")
            .define(LOG_DIRS, LIST, null, "Log directories")
            .define(LOG_DIR, STRING, "./data", "Log directory when log.dirs is not set")
            .define(NUM_PARTITIONS, INT, "1", atLeast(1), "Default partitions for new topics")
            .define(DEFAULT_REPLICATION_FACTOR, INT, "1", atLeast(1), "Default replication factor")
            .define(AUTO_CREATE_TOPICS_ENABLE, BOOLEAN, "true", "Create topics on first metadata request")
            .define(MESSAGE_MAX_BYTES, INT, "1048588", atLeast(0), "Largest record batch")
            .define(SOCKET_REQUEST_MAX_BYTES, INT, "104857600", atLeast(1), "Largest request frame")
            .define(CONNECTIONS_MAX_IDLE_MS, LONG, "600000", atLeast(-1), "Idle connections are closed after this")
            .define(CLUSTER_ID, STRING, null, "Cluster id; generated and stored on first start if absent")
            .define(LOG_SEGMENT_BYTES, INT, "1073741824", atLeast(LogConfig.MIN_SEGMENT_BYTES), "segment.bytes")
            .define(LOG_ROLL_MS, LONG, null, atLeast(1), "segment.ms")
            .define(LOG_ROLL_HOURS, INT, "168", atLeast(1), "segment.ms in hours")
            .define(LOG_RETENTION_MS, LONG, null, atLeast(-1), "retention.ms")
            .define(LOG_RETENTION_MINUTES, INT, null, atLeast(-1), "retention.ms in minutes")
            .define(LOG_RETENTION_HOURS, INT, "168", atLeast(-1), "retention.ms in hours")
            .define(LOG_RETENTION_BYTES, LONG, "-1", atLeast(-1), "retention.bytes")
            .define(LOG_RETENTION_CHECK_INTERVAL_MS, LONG, "300000", atLeast(1), "Retention check interval")
            .define(LOG_FLUSH_INTERVAL_MESSAGES, LONG, String.valueOf(Long.MAX_VALUE), atLeast(1), "flush.messages")
            .define(LOG_FLUSH_INTERVAL_MS, LONG, null, atLeast(0), "flush.ms")
            .define(LOG_INDEX_INTERVAL_BYTES, INT, "4096", atLeast(0), "index.interval.bytes")
            .define(LOG_INDEX_SIZE_MAX_BYTES, INT, "10485760", atLeast(4), "segment.index.bytes")
            .define(
                    LOG_MESSAGE_TIMESTAMP_TYPE,
                    STRING,
                    "CreateTime",
                    oneOf("CreateTime", "LogAppendTime"),
                    "message.timestamp.type")
            .define(LOG_SEGMENT_DELETE_DELAY_MS, LONG, "60000", atLeast(0), "file.delete.delay.ms")
            .define(LOG_ROLL_JITTER_MS, LONG, null, atLeast(0), "segment.jitter.ms")
            .define(LOG_ROLL_JITTER_HOURS, INT, "0", atLeast(0), "segment.jitter.ms in hours")
            .define(
                    LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS,
                    LONG,
                    String.valueOf(Long.MAX_VALUE),
                    atLeast(0),
                    "message.timestamp.before.max.ms")
            .define(LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS, LONG, "3600000", atLeast(0), "message.timestamp.after.max.ms")
            .define(MIN_INSYNC_REPLICAS, INT, "1", atLeast(1), "min.insync.replicas")
            .define(UNCLEAN_LEADER_ELECTION_ENABLE, BOOLEAN, "false", "unclean.leader.election.enable")
            .define(LOG_CLEANUP_POLICY, LIST, "delete", "cleanup.policy")
            .define(LOG_CLEANER_ENABLE, BOOLEAN, "true", "Run the log cleaner (compacted topics)")
            .define(LOG_CLEANER_THREADS, INT, "1", atLeast(1), "Log cleaner threads")
            .define(
                    LOG_CLEANER_DEDUPE_BUFFER_SIZE,
                    LONG,
                    String.valueOf(LogCleaner.Config.DEFAULT_DEDUPE_BUFFER_BYTES),
                    atLeast(1),
                    "Memory of the cleaners' key maps, shared by the threads")
            .define(
                    LOG_CLEANER_IO_BUFFER_SIZE,
                    INT,
                    String.valueOf(LogCleaner.Config.DEFAULT_IO_BUFFER_BYTES),
                    atLeast(RecordBatch.HEADER_SIZE),
                    "Read buffer of a cleaner pass")
            .define(
                    LOG_CLEANER_IO_BUFFER_LOAD_FACTOR,
                    DOUBLE,
                    "0.9",
                    v -> (Double) v > 0 && (Double) v <= 1 ? null : "Value must be in (0, 1]",
                    "How full a cleaner key map may get")
            .define(
                    LOG_CLEANER_IO_MAX_BYTES_PER_SECOND,
                    DOUBLE,
                    String.valueOf(Double.MAX_VALUE),
                    v -> (Double) v > 0 ? null : "Value must be positive",
                    "Read + write rate limit of all cleaner threads")
            .define(LOG_CLEANER_BACKOFF_MS, LONG, "15000", atLeast(0), "Pause when no log needs cleaning")
            .define(
                    LOG_CLEANER_MIN_CLEANABLE_RATIO,
                    DOUBLE,
                    "0.5",
                    ConfigDef.between(0, 1),
                    "min.cleanable.dirty.ratio")
            .define(LOG_CLEANER_MIN_COMPACTION_LAG_MS, LONG, "0", atLeast(0), "min.compaction.lag.ms")
            .define(
                    LOG_CLEANER_MAX_COMPACTION_LAG_MS,
                    LONG,
                    String.valueOf(Long.MAX_VALUE),
                    atLeast(1),
                    "max.compaction.lag.ms")
            .define(LOG_CLEANER_DELETE_RETENTION_MS, LONG, "86400000", atLeast(0), "delete.retention.ms")
            .define(
                    PRODUCER_ID_EXPIRATION_MS,
                    INT,
                    "86400000",
                    atLeast(1),
                    "How long a partition remembers an idempotent producer that has not written")
            .define(
                    PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS,
                    INT,
                    "600000",
                    atLeast(1),
                    "Interval between checks for expired producer ids")
            .define(OFFSETS_TOPIC_NUM_PARTITIONS, INT, "50", atLeast(1), "Partitions of __consumer_offsets")
            .define(OFFSETS_TOPIC_SEGMENT_BYTES, INT, "104857600", atLeast(1), "segment.bytes of __consumer_offsets")
            .define(
                    OFFSETS_RETENTION_MINUTES,
                    INT,
                    "10080",
                    atLeast(1),
                    "Committed offsets of empty groups expire after")
            .define(OFFSETS_RETENTION_CHECK_INTERVAL_MS, LONG, "600000", atLeast(1), "Offset expiry check interval")
            .define(OFFSET_METADATA_MAX_BYTES, INT, "4096", atLeast(0), "Largest offset commit metadata")
            .define(GROUP_MIN_SESSION_TIMEOUT_MS, INT, "6000", atLeast(0), "Smallest session timeout a member may ask")
            .define(
                    GROUP_MAX_SESSION_TIMEOUT_MS,
                    INT,
                    "1800000",
                    atLeast(0),
                    "Largest session timeout a member may ask")
            .define(GROUP_INITIAL_REBALANCE_DELAY_MS, INT, "3000", atLeast(0), "Wait for more members of a new group")
            .define(GROUP_MAX_SIZE, INT, String.valueOf(Integer.MAX_VALUE), atLeast(1), "Most members in a group")
            .define(GROUP_COORDINATOR_THREADS, INT, "4", atLeast(1), "Threads of the group coordinator")
            .define(TRANSACTION_STATE_LOG_NUM_PARTITIONS, INT, "50", atLeast(1), "Partitions of __transaction_state")
            .define(
                    TRANSACTION_STATE_LOG_REPLICATION_FACTOR,
                    INT,
                    "3",
                    atLeast(1),
                    "Replicas of __transaction_state (a single node creates it with one)")
            .define(
                    TRANSACTION_STATE_LOG_MIN_ISR,
                    INT,
                    "2",
                    atLeast(1),
                    "min.insync.replicas of __transaction_state (a single node: one)")
            .define(
                    TRANSACTION_STATE_LOG_SEGMENT_BYTES,
                    INT,
                    "104857600",
                    atLeast(1),
                    "segment.bytes of __transaction_state")
            .define(
                    TRANSACTION_STATE_LOG_LOAD_BUFFER_SIZE,
                    INT,
                    "5242880",
                    atLeast(1),
                    "Bytes read per step while loading __transaction_state")
            .define(
                    TRANSACTION_MAX_TIMEOUT_MS,
                    INT,
                    "900000",
                    atLeast(1),
                    "Largest transaction.timeout.ms a producer may ask")
            .define(
                    TRANSACTIONAL_ID_EXPIRATION_MS,
                    INT,
                    "604800000",
                    atLeast(1),
                    "An idle transactional id is forgotten after")
            .define(
                    TRANSACTION_ABORT_TIMED_OUT_CLEANUP_INTERVAL_MS,
                    INT,
                    "10000",
                    atLeast(1),
                    "Interval between checks for timed-out transactions")
            .define(
                    TRANSACTION_REMOVE_EXPIRED_CLEANUP_INTERVAL_MS,
                    INT,
                    "3600000",
                    atLeast(1),
                    "Interval between checks for expired transactional ids")
            .define(
                    GROUP_COORDINATOR_REBALANCE_PROTOCOLS,
                    LIST,
                    "classic,consumer",
                    ConfigDef.nonEmptyList(),
                    "Rebalance protocols served: classic, consumer (KIP-848)")
            .define(GROUP_CONSUMER_SESSION_TIMEOUT_MS, INT, "45000", atLeast(1), "KIP-848 member session timeout")
            .define(GROUP_CONSUMER_MIN_SESSION_TIMEOUT_MS, INT, "45000", atLeast(1), "Lower bound of the above")
            .define(GROUP_CONSUMER_MAX_SESSION_TIMEOUT_MS, INT, "60000", atLeast(1), "Upper bound of the above")
            .define(GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS, INT, "5000", atLeast(1), "KIP-848 heartbeat interval")
            .define(GROUP_CONSUMER_MIN_HEARTBEAT_INTERVAL_MS, INT, "5000", atLeast(1), "Lower bound of the above")
            .define(GROUP_CONSUMER_MAX_HEARTBEAT_INTERVAL_MS, INT, "15000", atLeast(1), "Upper bound of the above")
            .define(
                    GROUP_CONSUMER_MAX_SIZE,
                    INT,
                    String.valueOf(Integer.MAX_VALUE),
                    atLeast(1),
                    "Most members in a KIP-848 group")
            .define(
                    GROUP_CONSUMER_ASSIGNORS,
                    LIST,
                    "uniform,range",
                    ConfigDef.nonEmptyList(),
                    "Server-side assignors of KIP-848 groups; the first is the default");

    /** A listener: name, host and port (port 0 picks a free one). */
    public record Listener(String name, String host, int port) {}

    private final ParsedConfig parsed;
    private final Map<String, String> originals;

    private ServerConfig(ParsedConfig parsed, Map<String, String> originals) {
        this.parsed = parsed;
        this.originals = originals;
    }

    /** Parses broker properties, warning about each unknown key. */
    public static ServerConfig parse(Map<String, String> props) {
        ServerConfig c = new ServerConfig(DEF.parseWarningUnknown(props), Map.copyOf(props));
        c.listeners(); // validate now
        c.defaultLogConfig();
        c.cleanerConfig();
        c.consumerGroupConfig();
        return c;
    }

    public int nodeId() {
        return parsed.getInt(NODE_ID);
    }

    public List<Listener> listeners() {
        return parseListeners(LISTENERS, parsed.getList(LISTENERS));
    }

    public List<Listener> advertisedListeners() {
        List<String> adv = parsed.getList(ADVERTISED_LISTENERS);
        return adv == null || adv.isEmpty() ? listeners() : parseListeners(ADVERTISED_LISTENERS, adv);
    }

    private static List<Listener> parseListeners(String key, List<String> values) {
        List<Listener> out = new ArrayList<>();
        for (String v : values) {
            try {
                int sep = v.indexOf("://");
                if (sep <= 0) {
                    throw new ConfigException(key, v, "expected NAME://host:port");
                }
                URI uri = new URI("tcp" + v.substring(sep));
                if (uri.getPort() < 0 || uri.getPort() > 65535) {
                    throw new ConfigException(key, v, "missing or bad port");
                }
                String host = uri.getHost() == null ? "0.0.0.0" : uri.getHost();
                out.add(new Listener(v.substring(0, sep), host, uri.getPort()));
            } catch (URISyntaxException e) {
                throw new ConfigException(key, v, e.getMessage());
            }
        }
        return out;
    }

    public List<Path> logDirs() {
        List<String> dirs = parsed.getList(LOG_DIRS);
        List<Path> out = new ArrayList<>();
        if (dirs == null || dirs.isEmpty()) {
            out.add(Path.of(parsed.getString(LOG_DIR)).toAbsolutePath().normalize());
        } else {
            for (String d : dirs) {
                out.add(Path.of(d).toAbsolutePath().normalize());
            }
        }
        return out;
    }

    public int numPartitions() {
        return parsed.getInt(NUM_PARTITIONS);
    }

    public boolean autoCreateTopics() {
        return parsed.getBoolean(AUTO_CREATE_TOPICS_ENABLE);
    }

    public int messageMaxBytes() {
        return parsed.getInt(MESSAGE_MAX_BYTES);
    }

    public int socketRequestMaxBytes() {
        return parsed.getInt(SOCKET_REQUEST_MAX_BYTES);
    }

    public long connectionsMaxIdleMs() {
        return parsed.getLong(CONNECTIONS_MAX_IDLE_MS);
    }

    public String clusterId() {
        return parsed.getString(CLUSTER_ID);
    }

    public long retentionCheckIntervalMs() {
        return parsed.getLong(LOG_RETENTION_CHECK_INTERVAL_MS);
    }

    /** Kafka's {@code log.cleaner.backoff.ms}. */
    public long cleanerBackoffMs() {
        return parsed.getLong(LOG_CLEANER_BACKOFF_MS);
    }

    /** Whether the cleaner threads run ({@code log.cleaner.enable}). */
    public LogManager.CleanerState cleanerState() {
        return parsed.getBoolean(LOG_CLEANER_ENABLE)
                ? LogManager.CleanerState.ENABLED
                : LogManager.CleanerState.DISABLED;
    }

    /** The cleaner's {@code log.cleaner.*} settings. */
    public LogCleaner.Config cleanerConfig() {
        try {
            return new LogCleaner.Config(
                    parsed.getLong(LOG_CLEANER_DEDUPE_BUFFER_SIZE),
                    parsed.getDouble(LOG_CLEANER_IO_BUFFER_LOAD_FACTOR),
                    parsed.getInt(LOG_CLEANER_THREADS),
                    parsed.getDouble(LOG_CLEANER_IO_MAX_BYTES_PER_SECOND),
                    parsed.getInt(LOG_CLEANER_IO_BUFFER_SIZE));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    LOG_CLEANER_DEDUPE_BUFFER_SIZE,
                    String.valueOf(parsed.getLong(LOG_CLEANER_DEDUPE_BUFFER_SIZE)),
                    e.getMessage());
        }
    }

    public long producerIdExpirationMs() {
        return parsed.getInt(PRODUCER_ID_EXPIRATION_MS);
    }

    public long producerIdExpirationCheckIntervalMs() {
        return parsed.getInt(PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS);
    }

    /** The group coordinator's settings from the {@code group.*} and {@code offset(s).*} keys. */
    public GroupCoordinatorConfig groupCoordinatorConfig() {
        return new GroupCoordinatorConfig(
                parsed.getInt(OFFSETS_TOPIC_NUM_PARTITIONS),
                parsed.getInt(GROUP_MIN_SESSION_TIMEOUT_MS),
                parsed.getInt(GROUP_MAX_SESSION_TIMEOUT_MS),
                parsed.getInt(GROUP_INITIAL_REBALANCE_DELAY_MS),
                parsed.getInt(GROUP_MAX_SIZE),
                parsed.getInt(OFFSETS_RETENTION_MINUTES) * 60_000L,
                parsed.getLong(OFFSETS_RETENTION_CHECK_INTERVAL_MS),
                parsed.getInt(OFFSET_METADATA_MAX_BYTES),
                parsed.getInt(GROUP_COORDINATOR_THREADS));
    }

    /** The transaction coordinator's settings from the {@code transaction(al).*} keys. */
    public TransactionCoordinatorConfig transactionCoordinatorConfig() {
        return new TransactionCoordinatorConfig(
                parsed.getInt(TRANSACTION_STATE_LOG_NUM_PARTITIONS),
                parsed.getInt(TRANSACTION_MAX_TIMEOUT_MS),
                parsed.getInt(TRANSACTIONAL_ID_EXPIRATION_MS),
                parsed.getInt(TRANSACTION_ABORT_TIMED_OUT_CLEANUP_INTERVAL_MS),
                parsed.getInt(TRANSACTION_REMOVE_EXPIRED_CLEANUP_INTERVAL_MS),
                TransactionCoordinatorConfig.DEFAULT_MARKER_RETRY_BACKOFF_MS);
    }

    public int transactionStateSegmentBytes() {
        return parsed.getInt(TRANSACTION_STATE_LOG_SEGMENT_BYTES);
    }

    public int transactionStateLoadBufferSize() {
        return parsed.getInt(TRANSACTION_STATE_LOG_LOAD_BUFFER_SIZE);
    }

    /**
     * The KIP-848 settings ({@code group.consumer.*}, {@code group.coordinator.rebalance.protocols}), with
     * Kafka's checks: each timeout within its min/max, the heartbeat interval below the session timeout,
     * known assignors (Kafka's class names are accepted for the built-in ones) and protocols.
     */
    public ConsumerGroupConfig consumerGroupConfig() {
        List<String> protocols = parsed.getList(GROUP_COORDINATOR_REBALANCE_PROTOCOLS);
        for (String p : protocols) {
            if (!p.equals("classic") && !p.equals("consumer") && !p.equals("share") && !p.equals("streams")) {
                throw new ConfigException(GROUP_COORDINATOR_REBALANCE_PROTOCOLS, p, "unknown rebalance protocol");
            }
        }
        if (!protocols.contains("classic")) {
            throw new ConfigException(
                    GROUP_COORDINATOR_REBALANCE_PROTOCOLS, String.join(",", protocols), "must contain classic");
        }
        int session = bounded(
                GROUP_CONSUMER_SESSION_TIMEOUT_MS,
                GROUP_CONSUMER_MIN_SESSION_TIMEOUT_MS,
                GROUP_CONSUMER_MAX_SESSION_TIMEOUT_MS);
        int heartbeat = bounded(
                GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS,
                GROUP_CONSUMER_MIN_HEARTBEAT_INTERVAL_MS,
                GROUP_CONSUMER_MAX_HEARTBEAT_INTERVAL_MS);
        if (heartbeat >= session) {
            throw new ConfigException(
                    GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS,
                    String.valueOf(heartbeat),
                    "must be below " + GROUP_CONSUMER_SESSION_TIMEOUT_MS + " (" + session + ")");
        }
        List<String> assignors = new java.util.ArrayList<>();
        for (String a : parsed.getList(GROUP_CONSUMER_ASSIGNORS)) {
            dev.spool.coordinator.assignor.ConsumerGroupAssignor assignor =
                    dev.spool.coordinator.assignor.ConsumerGroupAssignor.named(a);
            if (assignor == null) {
                throw new ConfigException(GROUP_CONSUMER_ASSIGNORS, a, "unknown assignor (uniform or range)");
            }
            assignors.add(assignor.name());
        }
        return new ConsumerGroupConfig(
                session, heartbeat, parsed.getInt(GROUP_CONSUMER_MAX_SIZE), assignors, protocols.contains("consumer"));
    }

    private int bounded(String key, String minKey, String maxKey) {
        int v = parsed.getInt(key);
        int min = parsed.getInt(minKey);
        int max = parsed.getInt(maxKey);
        if (min > max) {
            throw new ConfigException(minKey, String.valueOf(min), "must not exceed " + maxKey + " (" + max + ")");
        }
        if (v < min || v > max) {
            throw new ConfigException(
                    key,
                    String.valueOf(v),
                    "must be between " + minKey + " (" + min + ") and " + maxKey + " (" + max + ")");
        }
        return v;
    }

    public int offsetsTopicSegmentBytes() {
        return parsed.getInt(OFFSETS_TOPIC_SEGMENT_BYTES);
    }

    /** The given properties, as strings. */
    public Map<String, String> originals() {
        return originals;
    }

    /** Every declared key with its effective value (for DescribeConfigs). */
    public Map<String, Object> values() {
        return parsed.values();
    }

    /** Topic-level defaults derived from the broker's {@code log.*} keys (Kafka's precedence rules). */
    public LogConfig defaultLogConfig() {
        return LogConfig.from(topicDefaults());
    }

    /**
     * Topic config key → the broker keys that set its default, most specific first (Kafka's synonyms;
     * e.g. {@code retention.ms} ← {@code log.retention.ms}, {@code .minutes}, {@code .hours}).
     */
    public static final Map<String, List<String>> TOPIC_SYNONYMS = Map.ofEntries(
            Map.entry(LogConfig.SEGMENT_BYTES, List.of(LOG_SEGMENT_BYTES)),
            Map.entry(LogConfig.SEGMENT_MS, List.of(LOG_ROLL_MS, LOG_ROLL_HOURS)),
            Map.entry(LogConfig.SEGMENT_JITTER_MS, List.of(LOG_ROLL_JITTER_MS, LOG_ROLL_JITTER_HOURS)),
            Map.entry(LogConfig.SEGMENT_INDEX_BYTES, List.of(LOG_INDEX_SIZE_MAX_BYTES)),
            Map.entry(LogConfig.INDEX_INTERVAL_BYTES, List.of(LOG_INDEX_INTERVAL_BYTES)),
            Map.entry(LogConfig.MAX_MESSAGE_BYTES, List.of(MESSAGE_MAX_BYTES)),
            Map.entry(LogConfig.MESSAGE_TIMESTAMP_TYPE, List.of(LOG_MESSAGE_TIMESTAMP_TYPE)),
            Map.entry(LogConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS, List.of(LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS)),
            Map.entry(LogConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS, List.of(LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS)),
            Map.entry(LogConfig.RETENTION_MS, List.of(LOG_RETENTION_MS, LOG_RETENTION_MINUTES, LOG_RETENTION_HOURS)),
            Map.entry(LogConfig.RETENTION_BYTES, List.of(LOG_RETENTION_BYTES)),
            Map.entry(LogConfig.FLUSH_MESSAGES, List.of(LOG_FLUSH_INTERVAL_MESSAGES)),
            Map.entry(LogConfig.FLUSH_MS, List.of(LOG_FLUSH_INTERVAL_MS)),
            Map.entry(LogConfig.FILE_DELETE_DELAY_MS, List.of(LOG_SEGMENT_DELETE_DELAY_MS)),
            Map.entry(LogConfig.CLEANUP_POLICY, List.of(LOG_CLEANUP_POLICY)),
            Map.entry(LogConfig.DELETE_RETENTION_MS, List.of(LOG_CLEANER_DELETE_RETENTION_MS)),
            Map.entry(LogConfig.MIN_COMPACTION_LAG_MS, List.of(LOG_CLEANER_MIN_COMPACTION_LAG_MS)),
            Map.entry(LogConfig.MAX_COMPACTION_LAG_MS, List.of(LOG_CLEANER_MAX_COMPACTION_LAG_MS)),
            Map.entry(LogConfig.MIN_CLEANABLE_DIRTY_RATIO, List.of(LOG_CLEANER_MIN_CLEANABLE_RATIO)),
            Map.entry(LogConfig.MIN_INSYNC_REPLICAS, List.of(MIN_INSYNC_REPLICAS)),
            Map.entry(LogConfig.UNCLEAN_LEADER_ELECTION_ENABLE, List.of(UNCLEAN_LEADER_ELECTION_ENABLE)));

    /** The broker key set in the properties that gives {@code topicKey} its default, or null. */
    public String staticSynonym(String topicKey) {
        for (String k : TOPIC_SYNONYMS.getOrDefault(topicKey, List.of())) {
            if (originals.containsKey(k)) {
                return k;
            }
        }
        return null;
    }

    /** Topic config names mapped to the broker-level default values. */
    public Map<String, String> topicDefaults() {
        Map<String, String> m = new HashMap<>();
        m.put(LogConfig.SEGMENT_BYTES, String.valueOf(parsed.getInt(LOG_SEGMENT_BYTES)));
        Long rollMs = (Long) parsed.values().get(LOG_ROLL_MS);
        m.put(
                LogConfig.SEGMENT_MS,
                String.valueOf(rollMs != null ? rollMs : parsed.getInt(LOG_ROLL_HOURS) * 3_600_000L));
        m.put(LogConfig.RETENTION_MS, String.valueOf(retentionMs()));
        m.put(LogConfig.RETENTION_BYTES, String.valueOf(parsed.getLong(LOG_RETENTION_BYTES)));
        m.put(LogConfig.FLUSH_MESSAGES, String.valueOf(parsed.getLong(LOG_FLUSH_INTERVAL_MESSAGES)));
        Long flushMs = (Long) parsed.values().get(LOG_FLUSH_INTERVAL_MS);
        m.put(LogConfig.FLUSH_MS, String.valueOf(flushMs != null ? flushMs : Long.MAX_VALUE));
        m.put(LogConfig.INDEX_INTERVAL_BYTES, String.valueOf(parsed.getInt(LOG_INDEX_INTERVAL_BYTES)));
        m.put(LogConfig.SEGMENT_INDEX_BYTES, String.valueOf(parsed.getInt(LOG_INDEX_SIZE_MAX_BYTES)));
        m.put(LogConfig.MAX_MESSAGE_BYTES, String.valueOf(parsed.getInt(MESSAGE_MAX_BYTES)));
        m.put(LogConfig.MESSAGE_TIMESTAMP_TYPE, parsed.getString(LOG_MESSAGE_TIMESTAMP_TYPE));
        m.put(LogConfig.FILE_DELETE_DELAY_MS, String.valueOf(parsed.getLong(LOG_SEGMENT_DELETE_DELAY_MS)));
        m.put(LogConfig.CLEANUP_POLICY, String.join(",", parsed.getList(LOG_CLEANUP_POLICY)));
        Long jitterMs = (Long) parsed.values().get(LOG_ROLL_JITTER_MS);
        m.put(
                LogConfig.SEGMENT_JITTER_MS,
                String.valueOf(jitterMs != null ? jitterMs : parsed.getInt(LOG_ROLL_JITTER_HOURS) * 3_600_000L));
        m.put(
                LogConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS,
                String.valueOf(parsed.getLong(LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS)));
        m.put(
                LogConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS,
                String.valueOf(parsed.getLong(LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS)));
        m.put(LogConfig.MIN_INSYNC_REPLICAS, String.valueOf(parsed.getInt(MIN_INSYNC_REPLICAS)));
        m.put(
                LogConfig.UNCLEAN_LEADER_ELECTION_ENABLE,
                String.valueOf(parsed.getBoolean(UNCLEAN_LEADER_ELECTION_ENABLE)));
        m.put(LogConfig.MIN_CLEANABLE_DIRTY_RATIO, String.valueOf(parsed.getDouble(LOG_CLEANER_MIN_CLEANABLE_RATIO)));
        m.put(LogConfig.MIN_COMPACTION_LAG_MS, String.valueOf(parsed.getLong(LOG_CLEANER_MIN_COMPACTION_LAG_MS)));
        m.put(LogConfig.MAX_COMPACTION_LAG_MS, String.valueOf(parsed.getLong(LOG_CLEANER_MAX_COMPACTION_LAG_MS)));
        m.put(LogConfig.DELETE_RETENTION_MS, String.valueOf(parsed.getLong(LOG_CLEANER_DELETE_RETENTION_MS)));
        return m;
    }

    private long retentionMs() {
        Long ms = (Long) parsed.values().get(LOG_RETENTION_MS);
        if (ms != null) {
            return ms;
        }
        Integer minutes = (Integer) parsed.values().get(LOG_RETENTION_MINUTES);
        if (minutes != null) {
            return minutes < 0 ? -1 : minutes * 60_000L;
        }
        int hours = parsed.getInt(LOG_RETENTION_HOURS);
        return hours < 0 ? -1 : hours * 3_600_000L;
    }
}
