package dev.spool.storage;

import dev.spool.common.Time;
import dev.spool.common.TopicPartition;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns every partition log across the configured {@code log.dirs}: loads them at startup (recovering
 * after an unclean stop), creates new ones in the directory with the fewest logs, runs retention,
 * time-based flushes and checkpointing in the background, and on shutdown flushes everything, writes
 * the checkpoints and leaves the clean-shutdown marker.
 *
 * <p>Per directory: {@code .lock} (held while running), {@code .kafka_cleanshutdown},
 * {@code recovery-point-offset-checkpoint}, {@code log-start-offset-checkpoint},
 * {@code replication-offset-checkpoint}, {@code cleaner-offset-checkpoint} ({@link LogCleaner}, run on
 * its own thread every {@code log.cleaner.backoff.ms} for logs with {@code cleanup.policy=compact}).
 *
 * <p>Lifecycle: {@link #start} → use → {@link #shutdown}. Thread-safe.
 */
public final class LogManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);

    public static final String CLEAN_SHUTDOWN_FILE = ".kafka_cleanshutdown";
    public static final String LOCK_FILE = ".lock";
    public static final String RECOVERY_POINT_CHECKPOINT = "recovery-point-offset-checkpoint";
    public static final String LOG_START_OFFSET_CHECKPOINT = "log-start-offset-checkpoint";
    public static final String HIGH_WATERMARK_CHECKPOINT = "replication-offset-checkpoint";
    static final String DELETE_DIR_SUFFIX = "-delete";
    /** The longest file name common file systems (ext4, xfs) allow. */
    static final int MAX_FILE_NAME_LENGTH = 255;
    /** The metadata log's directory (KRaft's name): owned by the metadata quorum, not by this manager. */
    public static final String METADATA_DIR = "__cluster_metadata-0";

    /** Kafka's {@code log.cleaner.enable}: whether the cleaner threads run. */
    public enum CleanerState {
        ENABLED,
        DISABLED
    }

    /** Broker-level settings of the log manager (Kafka's {@code log.*} keys). */
    public record Config(
            List<Path> logDirs,
            LogConfig defaultLogConfig,
            long retentionCheckIntervalMs,
            long flushCheckIntervalMs,
            long checkpointIntervalMs,
            long cleanerBackoffMs,
            CleanerState cleanerState,
            LogCleaner.Config cleaner) {

        /** Kafka's {@code log.cleaner.backoff.ms}. */
        public static final long DEFAULT_CLEANER_BACKOFF_MS = 15_000L;

        /** With the cleaner's defaults. */
        public Config(
                List<Path> logDirs,
                LogConfig defaultLogConfig,
                long retentionCheckIntervalMs,
                long flushCheckIntervalMs,
                long checkpointIntervalMs) {
            this(
                    logDirs,
                    defaultLogConfig,
                    retentionCheckIntervalMs,
                    flushCheckIntervalMs,
                    checkpointIntervalMs,
                    DEFAULT_CLEANER_BACKOFF_MS,
                    CleanerState.ENABLED,
                    LogCleaner.Config.defaults());
        }

        /** Kafka's defaults: retention checked every 5 minutes, checkpoints every minute. */
        public static Config of(List<Path> logDirs, LogConfig defaults) {
            return new Config(logDirs, defaults, 300_000L, 1_000L, 60_000L);
        }
    }

    private final Config config;
    private final ScheduledExecutorService scheduler;
    private final LogEnv env;
    private final Map<TopicPartition, Log> logs = new ConcurrentHashMap<>();
    /** How many logs each directory holds, kept with {@link #logs} so placing a new log is O(dirs). */
    private final Map<Path, Integer> logsPerDir = new ConcurrentHashMap<>();

    private final List<FileLock> dirLocks = new ArrayList<>();
    private final LogCleaner cleaner;
    /** Runs the cleaner apart from retention and flushes: a cleaning pass can take long. */
    private final ScheduledExecutorService cleanerExecutor;

    private volatile boolean running;

    private LogManager(Config config, LogEnv baseEnv) {
        if (config.logDirs().isEmpty()) {
            throw new IllegalArgumentException("at least one log directory is required");
        }
        this.config = config;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "spool-log-manager");
            t.setDaemon(true);
            return t;
        });
        // Shutdown does not wait for delayed file deletions (file.delete.delay.ms); the .deleted files
        // and *-delete directories they would have removed are removed at the next start.
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.scheduler = executor;
        this.env = baseEnv.withBackground(scheduler);
        this.cleaner = new LogCleaner(baseEnv.time(), config.cleaner());
        AtomicInteger cleanerThreads = new AtomicInteger();
        this.cleanerExecutor = Executors.newScheduledThreadPool(config.cleaner().threads(), r -> {
            Thread t = new Thread(r, "spool-log-cleaner-" + cleanerThreads.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
    }

    /** Locks the directories, loads every log in them and starts the background tasks. */
    public static LogManager start(Config config, Time time) throws IOException {
        return start(config, LogEnv.of(time));
    }

    /** As {@link #start(Config, Time)}, with the file-opening side of {@code env} (its executor is replaced). */
    public static LogManager start(Config config, LogEnv env) throws IOException {
        LogManager manager = new LogManager(config, env);
        try {
            manager.loadAll();
        } catch (IOException | RuntimeException e) {
            manager.releaseLocks();
            manager.scheduler.shutdownNow();
            manager.cleanerExecutor.shutdownNow();
            throw e;
        }
        manager.schedule();
        manager.running = true;
        return manager;
    }

    private void loadAll() throws IOException {
        for (Path dir : config.logDirs()) {
            Files.createDirectories(dir);
            lockDir(dir);
            Path marker = dir.resolve(CLEAN_SHUTDOWN_FILE);
            boolean clean = Files.exists(marker);
            Map<TopicPartition, Long> recoveryPoints = readCheckpoint(dir, RECOVERY_POINT_CHECKPOINT);
            Map<TopicPartition, Long> startOffsets = readCheckpoint(dir, LOG_START_OFFSET_CHECKPOINT);
            Map<TopicPartition, Long> highWatermarks = readCheckpoint(dir, HIGH_WATERMARK_CHECKPOINT);
            try (DirectoryStream<Path> children = Files.newDirectoryStream(dir, Files::isDirectory)) {
                for (Path child : children) {
                    String name = child.getFileName().toString();
                    if (name.equals(METADATA_DIR)) {
                        continue;
                    }
                    if (name.endsWith(DELETE_DIR_SUFFIX)) {
                        deleteRecursively(child);
                        continue;
                    }
                    TopicPartition tp = TopicPartition.fromDirName(name);
                    if (tp == null) {
                        LOG.warn("Ignoring {} in log directory {}: not a partition directory", name, dir);
                        continue;
                    }
                    if (logs.containsKey(tp)) {
                        throw new IOException("partition " + tp + " is in two log directories: " + child + " and "
                                + logs.get(tp).dir());
                    }
                    LogLoader.LoadParams params = new LogLoader.LoadParams(
                            clean,
                            recoveryPoints.getOrDefault(tp, 0L),
                            startOffsets.getOrDefault(tp, 0L),
                            highWatermarks.getOrDefault(tp, 0L));
                    logs.put(tp, LogLoader.load(child, tp, config.defaultLogConfig(), env, params));
                    logsPerDir.merge(dir, 1, Integer::sum);
                }
            }
            // From now on a crash must be detected as unclean.
            Files.deleteIfExists(marker);
        }
    }

    private static Map<TopicPartition, Long> readCheckpoint(Path dir, String name) {
        OffsetCheckpointFile file = new OffsetCheckpointFile(dir.resolve(name));
        try {
            return file.read();
        } catch (IOException e) {
            LOG.warn("Ignoring unreadable checkpoint; the logs it covers are recovered in full: {}", e.getMessage());
            return new HashMap<>();
        }
    }

    private void lockDir(Path dir) throws IOException {
        FileChannel ch = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            ch.close();
            throw new IOException("log directory " + dir + " is in use by another process (" + LOCK_FILE + " is held)");
        }
        dirLocks.add(lock);
    }

    private void schedule() {
        scheduler.scheduleWithFixedDelay(
                this::runRetention,
                config.retentionCheckIntervalMs(),
                config.retentionCheckIntervalMs(),
                TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(
                this::flushByTime, config.flushCheckIntervalMs(), config.flushCheckIntervalMs(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(
                this::checkpointQuietly,
                config.checkpointIntervalMs(),
                config.checkpointIntervalMs(),
                TimeUnit.MILLISECONDS);
        if (config.cleanerState() == CleanerState.ENABLED) {
            // Each of the log.cleaner.threads threads cleans the dirtiest log no other thread is
            // cleaning until none needs it, then waits log.cleaner.backoff.ms (Kafka's cleaner loop).
            for (int i = 0; i < config.cleaner().threads(); i++) {
                cleanerExecutor.scheduleWithFixedDelay(
                        this::runCleaner, config.cleanerBackoffMs(), config.cleanerBackoffMs(), TimeUnit.MILLISECONDS);
            }
        }
    }

    public LogCleaner cleaner() {
        return cleaner;
    }

    /**
     * Cleans, one after the other, the dirtiest compacted log that needs cleaning (its dirty ratio or
     * {@code max.compaction.lag.ms}, see {@link LogCleaner#cleanDirtiest}) until none does; stops early
     * at shutdown. A log whose pass failed or did not move its checkpoint is not chosen again in this
     * call. Returns the number of segments written. Several threads may run this at once.
     */
    public int runCleaner() {
        int rewritten = 0;
        java.util.Set<Log> stalled = new java.util.HashSet<>();
        while (running) {
            List<Log> candidates = new ArrayList<>();
            for (Log log : logs.values()) {
                if (!stalled.contains(log)) {
                    candidates.add(log);
                }
            }
            LogCleaner.CleanedLog done;
            try {
                done = cleaner.cleanDirtiest(candidates);
            } catch (RuntimeException e) {
                LOG.warn("Choosing a log to clean failed; retried after {} ms", config.cleanerBackoffMs(), e);
                break;
            }
            if (done == null) {
                break;
            }
            rewritten += done.stats().segmentsRewritten();
            if (done.stats().cleanedUpTo() < 0) {
                stalled.add(done.log());
            }
        }
        return rewritten;
    }

    /**
     * Starts forgetting idempotent producers that have not written for {@code expirationMs}
     * ({@code producer.id.expiration.ms}), checked every {@code checkIntervalMs}
     * ({@code producer.id.expiration.check.interval.ms}).
     */
    public void scheduleProducerExpiration(long expirationMs, long checkIntervalMs) {
        scheduler.scheduleWithFixedDelay(
                () -> removeExpiredProducers(expirationMs), checkIntervalMs, checkIntervalMs, TimeUnit.MILLISECONDS);
    }

    /** One producer-expiration pass over every log now; returns the number of producers forgotten. */
    public int removeExpiredProducers(long expirationMs) {
        int removed = 0;
        for (Log log : logs.values()) {
            if (!log.isOffline()) {
                removed += log.removeExpiredProducers(expirationMs);
            }
        }
        return removed;
    }

    /** The log of {@code tp}, or null. */
    public Log getLog(TopicPartition tp) {
        return logs.get(tp);
    }

    public Collection<Log> allLogs() {
        return List.copyOf(logs.values());
    }

    /**
     * Returns the log of {@code tp}, creating it with {@code logConfig} (or the defaults if null) in the
     * directory that holds the fewest logs.
     */
    public Log getOrCreateLog(TopicPartition tp, LogConfig logConfig) throws IOException {
        Log existing = logs.get(tp);
        if (existing != null) {
            return existing;
        }
        synchronized (this) {
            existing = logs.get(tp);
            if (existing != null) {
                return existing;
            }
            Path dir = leastLoadedDir().resolve(tp.dirName());
            LogConfig cfg = logConfig != null ? logConfig : config.defaultLogConfig();
            Log log = LogLoader.load(dir, tp, cfg, env, LogLoader.LoadParams.FRESH);
            logs.put(tp, log);
            logsPerDir.merge(dir.getParent(), 1, Integer::sum);
            LOG.info("Created log for {} in {}", tp, dir);
            return log;
        }
    }

    private Path leastLoadedDir() {
        Path best = config.logDirs().get(0);
        for (Path d : config.logDirs()) {
            if (logsPerDir.getOrDefault(d, 0) < logsPerDir.getOrDefault(best, 0)) {
                best = d;
            }
        }
        return best;
    }

    /** Removes a partition's log: closed at once, its directory renamed {@code *-delete} and removed. */
    public void deleteLog(TopicPartition tp) throws IOException {
        Log log = logs.remove(tp);
        if (log == null) {
            return;
        }
        logsPerDir.merge(log.dir().getParent(), -1, Integer::sum);
        // A pass cleaning the log finishes first; it must not write its checkpoint back afterwards.
        cleaner.whileNotCleaning(tp, () -> {
            log.close();
            cleaner.resetCheckpoint(log.dir(), tp);
        });
        Path renamed = log.dir()
                .resolveSibling(deleteDirName(tp, UUID.randomUUID().toString().replace("-", "")));
        Files.move(log.dir(), renamed);
        scheduler.execute(() -> {
            try {
                deleteRecursively(renamed);
            } catch (IOException e) {
                LOG.warn("Could not remove {}", renamed, e);
            }
        });
    }

    /**
     * {@code <topic>-<partition>.<id>-delete}, the topic cut short so the name fits in
     * {@value #MAX_FILE_NAME_LENGTH} bytes (a legal topic name has up to 249 characters), as Kafka does.
     */
    static String deleteDirName(TopicPartition tp, String uniqueId) {
        String suffix = "-" + tp.partition() + "." + uniqueId + DELETE_DIR_SUFFIX;
        String topic = tp.topic();
        return topic.substring(0, Math.min(topic.length(), MAX_FILE_NAME_LENGTH - suffix.length())) + suffix;
    }

    /** Runs one retention pass over every log now. Returns the number of segments deleted. */
    public int runRetention() {
        int deleted = 0;
        for (Log log : logs.values()) {
            if (log.isOffline()) {
                continue;
            }
            try {
                deleted += log.deleteOldSegments();
            } catch (IOException e) {
                LOG.error("Retention failed for {}", log.topicPartition(), e);
            }
        }
        return deleted;
    }

    private void flushByTime() {
        for (Log log : logs.values()) {
            if (log.isOffline()) {
                continue;
            }
            try {
                log.maybeFlushByTime();
            } catch (IOException e) {
                LOG.error("Flush failed for {}", log.topicPartition(), e);
            }
        }
    }

    private void checkpointQuietly() {
        try {
            checkpoint();
        } catch (IOException e) {
            LOG.error("Writing checkpoints failed", e);
        }
    }

    /** Writes the recovery-point, log-start-offset and high-watermark checkpoints of every directory. */
    public synchronized void checkpoint() throws IOException {
        for (Path dir : config.logDirs()) {
            Map<TopicPartition, Long> recovery = new HashMap<>();
            Map<TopicPartition, Long> start = new HashMap<>();
            Map<TopicPartition, Long> hw = new HashMap<>();
            for (Log log : logs.values()) {
                if (!log.dir().getParent().equals(dir) || log.isOffline()) {
                    continue;
                }
                recovery.put(log.topicPartition(), log.recoveryPoint());
                start.put(log.topicPartition(), log.logStartOffset());
                hw.put(log.topicPartition(), log.highWatermark());
            }
            new OffsetCheckpointFile(dir.resolve(RECOVERY_POINT_CHECKPOINT)).write(recovery);
            new OffsetCheckpointFile(dir.resolve(LOG_START_OFFSET_CHECKPOINT)).write(start);
            new OffsetCheckpointFile(dir.resolve(HIGH_WATERMARK_CHECKPOINT)).write(hw);
        }
    }

    /**
     * Clean shutdown: stops background work, flushes and closes every log, writes the checkpoints and
     * the clean-shutdown marker, releases the directory locks. Offline logs are left for recovery.
     */
    public synchronized void shutdown() throws IOException {
        if (!running) {
            return;
        }
        running = false;
        // Not interrupted: an interrupt during a file read would close a segment's shared channel.
        cleanerExecutor.shutdown();
        scheduler.shutdown();
        try {
            cleanerExecutor.awaitTermination(5, TimeUnit.MINUTES);
            scheduler.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean allClean = true;
        for (Log log : logs.values()) {
            try {
                if (!log.isOffline()) {
                    log.flush();
                }
                log.close();
            } catch (IOException e) {
                allClean = false;
                LOG.error("Could not flush and close {}", log.topicPartition(), e);
            }
            allClean &= !log.isOffline();
        }
        checkpoint();
        if (allClean) {
            for (Path dir : config.logDirs()) {
                Files.write(dir.resolve(CLEAN_SHUTDOWN_FILE), new byte[0]);
            }
        }
        releaseLocks();
        LOG.info("Log manager shut down{}", allClean ? " cleanly" : " with offline logs");
    }

    /** Stops without flushing, checkpointing or a marker: what a crash leaves (tests). */
    void halt() {
        running = false;
        scheduler.shutdownNow();
        cleanerExecutor.shutdown();
        for (Log log : logs.values()) {
            log.closeWithoutSealing();
        }
        releaseLocks();
    }

    private void releaseLocks() {
        for (FileLock lock : dirLocks) {
            try {
                lock.release();
                lock.channel().close();
            } catch (IOException e) {
                LOG.warn("Could not release {}", lock, e);
            }
        }
        dirLocks.clear();
    }

    @Override
    public void close() throws IOException {
        shutdown();
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
