package dev.spool.server;

import dev.spool.common.TopicPartition;
import dev.spool.common.config.ConfigException;
import dev.spool.metadata.MetadataImage;
import dev.spool.metadata.MetadataQuorum;
import dev.spool.metadata.MetadataRecord;
import dev.spool.metadata.TopicImage;
import dev.spool.storage.Log;
import dev.spool.storage.LogConfig;
import dev.spool.storage.LogManager;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topic lifecycle on a single node: validates and records topic changes in the metadata quorum, then
 * creates, reconfigures or deletes the partition logs to match. Thread-safe: changes are serialized.
 *
 * <p>As in Kafka, where the controller answers CreateTopics once the metadata is committed and brokers
 * create the logs as they apply it, a new topic's (or new partitions') logs are created after the
 * answer, by one background thread, partition after partition; a request that reaches a partition
 * first creates its log at once ({@link #createLogIfMissing}). Startup creates any missing log before
 * the listener opens ({@link #ensureAllLogs}). {@link #close} stops the background creation; what it
 * had not reached is created at the next start.
 */
public final class TopicService {
    private static final Logger LOG = LoggerFactory.getLogger(TopicService.class);

    /** Kafka's limit on topic name length. */
    public static final int MAX_TOPIC_NAME_LENGTH = 249;
    /** A bound on partitions per request, far above what a single node serves. */
    public static final int MAX_PARTITIONS = 100_000;

    /** The result of a topic operation: an error (NONE on success) and a message. */
    public record Outcome(Errors error, String message) {
        static final Outcome OK = new Outcome(Errors.NONE, null);

        public boolean ok() {
            return error == Errors.NONE;
        }
    }

    private final MetadataQuorum quorum;
    private final LogManager logManager;
    private final ServerConfig config;
    private final ExecutorService logCreator;
    /**
     * Serializes topic changes and log creation. Fair: the background creator takes it once per log, and
     * an unfair lock would let it take it back at once, log after log, while a CreateTopics waits.
     */
    private final ReentrantLock mutations = new ReentrantLock(true);

    private volatile boolean closed;

    TopicService(MetadataQuorum quorum, LogManager logManager, ServerConfig config) {
        this.quorum = quorum;
        this.logManager = logManager;
        this.config = config;
        this.logCreator = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "spool-log-creator");
            t.setDaemon(true);
            return t;
        });
    }

    /** Stops creating logs in the background (not interrupting a creation under way). */
    public void close() {
        closed = true;
        logCreator.shutdown();
        try {
            if (!logCreator.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("Log creation did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public MetadataImage image() {
        return quorum.image();
    }

    /** Kafka's topic name rules; null if valid, else the reason. */
    public static String validateTopicName(String name) {
        if (name == null || name.isEmpty()) {
            return "Topic name is illegal, it can't be empty";
        }
        if (name.equals(".") || name.equals("..")) {
            return "Topic name cannot be \".\" or \"..\"";
        }
        if (name.length() > MAX_TOPIC_NAME_LENGTH) {
            return "Topic name is illegal, it can't be longer than " + MAX_TOPIC_NAME_LENGTH
                    + " characters, topic name: " + name;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '-';
            if (!ok) {
                return "Topic name \"" + name
                        + "\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'";
            }
        }
        return null;
    }

    /** The effective log config of a topic: broker defaults overlaid with its overrides. */
    public LogConfig logConfig(Map<String, String> overrides) {
        Map<String, String> merged = new HashMap<>(config.topicDefaults());
        merged.putAll(overrides);
        return LogConfig.from(merged);
    }

    /** Checks topic config overrides; null if fine, else the reason (names key and value). */
    public String validateConfigs(Map<String, String> overrides) {
        for (String key : overrides.keySet()) {
            if (!LogConfig.DEF.keys().containsKey(key)) {
                return "Unknown topic config name: " + key;
            }
        }
        try {
            logConfig(overrides);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            String refused = unsupported(e.getKey(), e.getValue().trim());
            if (refused != null) {
                return e.getKey() + "=" + e.getValue() + " is not supported: " + refused;
            }
        }
        return null;
    }

    /**
     * Topic config values Kafka accepts that Spool refuses (INVALID_CONFIG) because it cannot honour
     * them; null if the value is fine. Every other key of {@link LogConfig#DEF} is either acted on or
     * has no effect on a single node (see the README's topic-config table).
     */
    static String unsupported(String key, String value) {
        switch (key) {
            case LogConfig.COMPRESSION_TYPE:
                return value.equals("producer")
                        ? null
                        : "Spool stores batches as their producer compressed them and never recompresses"
                                + " (only compression.type=producer)";
            case LogConfig.PREALLOCATE:
                return value.equalsIgnoreCase("false") ? null : "Spool segment files grow as they are written";
            case LogConfig.REMOTE_STORAGE_ENABLE:
                return value.equalsIgnoreCase("false") ? null : "Spool has no tiered storage";
            default:
                return null;
        }
    }

    /** Every topic config key with its effective value for a topic with these overrides. */
    public Map<String, String> effectiveTopicConfigs(Map<String, String> overrides) {
        Map<String, String> all = new java.util.TreeMap<>();
        for (dev.spool.common.config.ConfigDef.Key key : LogConfig.DEF.keys().values()) {
            Object v = key.defaultValue();
            all.put(
                    key.name(),
                    v instanceof List<?> list
                            ? String.join(
                                    ",", list.stream().map(String::valueOf).toList())
                            : String.valueOf(v));
        }
        all.putAll(config.topicDefaults());
        all.putAll(overrides);
        return all;
    }

    /** Creates a topic and its logs. {@code partitions}/{@code replicationFactor} of -1 take the defaults. */
    public Outcome createTopic(
            String name, int partitions, short replicationFactor, Map<String, String> configs, boolean validateOnly)
            throws IOException {
        mutations.lock();
        try {
            return createTopicLocked(name, partitions, replicationFactor, configs, validateOnly);
        } finally {
            mutations.unlock();
        }
    }

    private Outcome createTopicLocked(
            String name, int partitions, short replicationFactor, Map<String, String> configs, boolean validateOnly)
            throws IOException {
        String bad = validateTopicName(name);
        if (bad != null) {
            return new Outcome(Errors.INVALID_TOPIC_EXCEPTION, bad);
        }
        if (quorum.image().topic(name) != null) {
            return new Outcome(Errors.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
        }
        int count = partitions == -1 ? config.numPartitions() : partitions;
        if (count <= 0 || count > MAX_PARTITIONS) {
            return new Outcome(
                    Errors.INVALID_PARTITIONS,
                    "Number of partitions must be between 1 and " + MAX_PARTITIONS + ", got " + count);
        }
        int rf = replicationFactor == -1 ? 1 : replicationFactor;
        if (rf <= 0) {
            return new Outcome(Errors.INVALID_REPLICATION_FACTOR, "Replication factor must be larger than 0.");
        }
        if (rf > 1) {
            return new Outcome(
                    Errors.INVALID_REPLICATION_FACTOR,
                    "Unable to replicate the partition " + rf + " time(s): The target replication factor of " + rf
                            + " cannot be reached because only 1 broker(s) are registered.");
        }
        String badConfig = validateConfigs(configs);
        if (badConfig != null) {
            return new Outcome(Errors.INVALID_CONFIG, badConfig);
        }
        if (validateOnly) {
            return Outcome.OK;
        }
        List<MetadataRecord> records = new ArrayList<>();
        UUID id = UUID.randomUUID();
        records.add(new MetadataRecord.TopicRecord(name, id, count));
        for (Map.Entry<String, String> e : configs.entrySet()) {
            records.add(
                    new MetadataRecord.ConfigRecord(MetadataRecord.ResourceType.TOPIC, name, e.getKey(), e.getValue()));
        }
        MetadataImage image = quorum.append(records);
        createLogsInBackground(image.topic(name), 0);
        LOG.info("Created topic {} with {} partition(s)", name, count);
        return Outcome.OK;
    }

    /** Grows a topic to {@code newCount} partitions. */
    public Outcome createPartitions(String name, int newCount, boolean validateOnly) throws IOException {
        mutations.lock();
        try {
            return createPartitionsLocked(name, newCount, validateOnly);
        } finally {
            mutations.unlock();
        }
    }

    private Outcome createPartitionsLocked(String name, int newCount, boolean validateOnly) throws IOException {
        TopicImage topic = quorum.image().topic(name);
        if (topic == null) {
            return new Outcome(Errors.UNKNOWN_TOPIC_OR_PARTITION, "The topic '" + name + "' does not exist.");
        }
        if (newCount < topic.partitions()) {
            return new Outcome(
                    Errors.INVALID_PARTITIONS,
                    "Topic currently has " + topic.partitions() + " partitions, which is higher than the requested "
                            + newCount + ".");
        }
        if (newCount == topic.partitions()) {
            return new Outcome(Errors.INVALID_PARTITIONS, "Topic already has " + topic.partitions() + " partitions.");
        }
        if (newCount > MAX_PARTITIONS) {
            return new Outcome(Errors.INVALID_PARTITIONS, "Number of partitions must be at most " + MAX_PARTITIONS);
        }
        if (validateOnly) {
            return Outcome.OK;
        }
        MetadataImage image = quorum.append(List.of(new MetadataRecord.PartitionsRecord(topic.topicId(), newCount)));
        createLogsInBackground(image.topic(name), topic.partitions());
        return Outcome.OK;
    }

    /** Deletes a topic and its logs. */
    public Outcome deleteTopic(String name) throws IOException {
        mutations.lock();
        try {
            return deleteTopicLocked(name);
        } finally {
            mutations.unlock();
        }
    }

    private Outcome deleteTopicLocked(String name) throws IOException {
        TopicImage topic = quorum.image().topic(name);
        if (topic == null) {
            return new Outcome(Errors.UNKNOWN_TOPIC_OR_PARTITION, "This server does not host this topic-partition.");
        }
        quorum.append(List.of(new MetadataRecord.RemoveTopicRecord(topic.topicId())));
        for (int p = 0; p < topic.partitions(); p++) {
            logManager.deleteLog(new TopicPartition(name, p));
        }
        LOG.info("Deleted topic {}", name);
        return Outcome.OK;
    }

    /**
     * Sets ({@code value} non-null) or removes topic config keys; validates the result first, and
     * applies it to the live logs.
     */
    public Outcome alterTopicConfigs(String name, Map<String, String> changes, boolean replaceAll, boolean validateOnly)
            throws IOException {
        mutations.lock();
        try {
            return alterTopicConfigsLocked(name, changes, replaceAll, validateOnly);
        } finally {
            mutations.unlock();
        }
    }

    private Outcome alterTopicConfigsLocked(
            String name, Map<String, String> changes, boolean replaceAll, boolean validateOnly) throws IOException {
        TopicImage topic = quorum.image().topic(name);
        if (topic == null) {
            return new Outcome(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Topic " + name + " does not exist");
        }
        Map<String, String> next = replaceAll ? new HashMap<>() : new HashMap<>(topic.configs());
        for (Map.Entry<String, String> e : changes.entrySet()) {
            if (e.getValue() == null) {
                next.remove(e.getKey());
            } else {
                next.put(e.getKey(), e.getValue());
            }
        }
        String bad = validateConfigs(next);
        if (bad != null) {
            return new Outcome(Errors.INVALID_CONFIG, bad);
        }
        if (validateOnly) {
            return Outcome.OK;
        }
        List<MetadataRecord> records = new ArrayList<>();
        for (String key : topic.configs().keySet()) {
            if (!next.containsKey(key)) {
                records.add(new MetadataRecord.ConfigRecord(MetadataRecord.ResourceType.TOPIC, name, key, null));
            }
        }
        for (Map.Entry<String, String> e : next.entrySet()) {
            if (!e.getValue().equals(topic.configs().get(e.getKey()))) {
                records.add(new MetadataRecord.ConfigRecord(
                        MetadataRecord.ResourceType.TOPIC, name, e.getKey(), e.getValue()));
            }
        }
        MetadataImage image = quorum.append(records);
        LogConfig cfg = logConfig(image.topic(name).configs());
        for (int p = 0; p < topic.partitions(); p++) {
            Log log = logManager.getLog(new TopicPartition(name, p));
            if (log != null) {
                log.updateConfig(cfg);
            }
        }
        return Outcome.OK;
    }

    /** Makes sure every partition of every topic in the image has a log (startup, creation). */
    public void ensureAllLogs() throws IOException {
        for (TopicImage topic : quorum.image().topics()) {
            ensureLogs(topic);
        }
    }

    private void ensureLogs(TopicImage topic) throws IOException {
        LogConfig cfg = logConfig(topic.configs());
        for (int p = 0; p < topic.partitions(); p++) {
            Log log = logManager.getOrCreateLog(new TopicPartition(topic.name(), p), cfg);
            prepare(log, cfg);
        }
    }

    /** A log as this node serves it: the topic's config, and the high watermark at the log end. */
    private static void prepare(Log log, LogConfig cfg) {
        log.updateConfig(cfg);
        // One node is the whole ISR of every partition, so the high watermark is the log end, as a
        // Kafka leader sets it on taking leadership; after an unclean stop the checkpoint lags.
        log.updateHighWatermark(log.logEndOffset());
    }

    private void createLogsInBackground(TopicImage topic, int fromPartition) {
        UUID id = topic.topicId();
        String name = topic.name();
        int partitions = topic.partitions();
        logCreator.execute(() -> {
            for (int p = fromPartition; p < partitions && !closed; p++) {
                try {
                    createLogIfMissing(name, id, p);
                } catch (IOException e) {
                    LOG.error("Could not create the log of {}-{}", name, p, e);
                }
            }
        });
    }

    /**
     * The log of partition {@code partition} of the topic {@code name}, created now if the topic (still)
     * exists with that id and partition but its log does not yet: null if the topic or partition is
     * gone. Serialized with topic deletion, so a deleted topic never gets a log back.
     */
    public Log createLogIfMissing(String name, UUID topicId, int partition) throws IOException {
        mutations.lock();
        try {
            return createLogIfMissingLocked(name, topicId, partition);
        } finally {
            mutations.unlock();
        }
    }

    private Log createLogIfMissingLocked(String name, UUID topicId, int partition) throws IOException {
        TopicImage topic = quorum.image().topic(name);
        if (topic == null || !topic.topicId().equals(topicId) || partition >= topic.partitions()) {
            return null;
        }
        TopicPartition tp = new TopicPartition(name, partition);
        Log log = logManager.getLog(tp);
        if (log == null) {
            LogConfig cfg = logConfig(topic.configs());
            log = logManager.getOrCreateLog(tp, cfg);
            prepare(log, cfg);
        }
        return log;
    }
}
