package dev.spool.metadata;

import java.io.IOException;
import java.util.List;

/**
 * The port through which metadata changes are made durable and applied. The single-node implementation
 * is a local fsynced log; the cluster one will run on Apache Ratis. Thread-safe.
 */
public interface MetadataQuorum extends AutoCloseable {

    /** The current image; immutable. */
    MetadataImage image();

    /**
     * Appends {@code records} atomically and durably, applies them, and returns the new image. Callers
     * validate against {@link #image()} first; concurrent writers are serialized by the quorum.
     */
    MetadataImage append(List<MetadataRecord> records) throws IOException;

    @Override
    void close() throws IOException;
}
