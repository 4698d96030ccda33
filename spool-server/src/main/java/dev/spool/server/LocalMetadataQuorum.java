package dev.spool.server;

import dev.spool.common.Time;
import dev.spool.common.TopicPartition;
import dev.spool.metadata.MetadataImage;
import dev.spool.metadata.MetadataQuorum;
import dev.spool.metadata.MetadataRecord;
import dev.spool.metadata.MetadataRecordSerde;
import dev.spool.protocol.adapter.KafkaRecords;
import dev.spool.protocol.record.BatchBuilder;
import dev.spool.protocol.record.SimpleRecord;
import dev.spool.storage.AppendResult;
import dev.spool.storage.Log;
import dev.spool.storage.LogConfig;
import dev.spool.storage.LogEnv;
import dev.spool.storage.LogLoader;
import dev.spool.storage.ReadResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The single-node {@link MetadataQuorum}: metadata records kept in a Spool log of their own,
 * {@code __cluster_metadata-0} in the first log directory, one fsynced batch per change, replayed at
 * startup. The log manager skips that directory.
 */
final class LocalMetadataQuorum implements MetadataQuorum {
    static final TopicPartition METADATA_PARTITION = new TopicPartition("__cluster_metadata", 0);

    private final Log log;
    private final Time time;
    private volatile MetadataImage image;

    private LocalMetadataQuorum(Log log, Time time, MetadataImage image) {
        this.log = log;
        this.time = time;
        this.image = image;
    }

    static LocalMetadataQuorum open(Path logDir, LogEnv env) throws IOException {
        Log log = LogLoader.load(
                logDir.resolve(METADATA_PARTITION.dirName()),
                METADATA_PARTITION,
                LogConfig.from(Map.of(LogConfig.SEGMENT_BYTES, String.valueOf(64 * 1024 * 1024))),
                env,
                LogLoader.LoadParams.FRESH);
        MetadataImage image = MetadataImage.EMPTY;
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            ReadResult r = log.read(next, 1 << 20, log.logEndOffset(), true);
            ByteBuffer batches = r.slice().readFully();
            for (KafkaRecords.DecodedRecord rec : KafkaRecords.decode(batches)) {
                image = image.replay(MetadataRecordSerde.deserialize(ByteBuffer.wrap(rec.value())), rec.offset());
                next = rec.offset() + 1;
            }
        }
        log.updateHighWatermark(log.logEndOffset());
        return new LocalMetadataQuorum(log, env.time(), image);
    }

    @Override
    public MetadataImage image() {
        return image;
    }

    @Override
    public synchronized MetadataImage append(List<MetadataRecord> records) throws IOException {
        if (records.isEmpty()) {
            return image;
        }
        long now = time.milliseconds();
        List<SimpleRecord> simple = new ArrayList<>(records.size());
        for (MetadataRecord r : records) {
            simple.add(new SimpleRecord(now, null, MetadataRecordSerde.serialize(r)));
        }
        AppendResult result = log.appendAsLeader(BatchBuilder.build(simple), 0);
        if (!result.ok()) {
            throw new IOException("metadata append failed: " + result.message());
        }
        log.flush();
        log.updateHighWatermark(log.logEndOffset());
        MetadataImage next = image;
        long offset = result.firstOffset();
        for (MetadataRecord r : records) {
            next = next.replay(r, offset++);
        }
        image = next;
        return next;
    }

    @Override
    public void close() throws IOException {
        log.flush();
        log.close();
    }
}
