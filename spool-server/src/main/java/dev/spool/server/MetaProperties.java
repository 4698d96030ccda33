package dev.spool.server;

import dev.spool.common.AtomicFiles;
import java.io.IOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Properties;
import java.util.UUID;

/**
 * {@code meta.properties} of a log directory, in Kafka's format: the cluster id, this node's id and
 * the directory's id. Written once, checked at every start so a directory is never served by the
 * wrong node or cluster.
 */
final class MetaProperties {
    static final String FILE = "meta.properties";

    private MetaProperties() {}

    /** A Kafka-style id: 16 random bytes, URL-safe base64 without padding. */
    static String newId() {
        UUID u = UUID.randomUUID();
        ByteBuffer b =
                ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /**
     * Reads or writes {@code meta.properties} in each directory and returns the cluster id: the
     * configured one, else the one found on disk, else a new one.
     */
    static String ensure(Iterable<Path> dirs, int nodeId, String configuredClusterId) throws IOException {
        String clusterId = configuredClusterId;
        for (Path dir : dirs) {
            Path file = dir.resolve(FILE);
            if (Files.exists(file)) {
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    p.load(r);
                }
                String found = p.getProperty("cluster.id");
                String node = p.getProperty("node.id");
                if (node != null && !node.equals(String.valueOf(nodeId))) {
                    throw new IOException("log directory " + dir + " belongs to node.id " + node + ", not " + nodeId);
                }
                if (clusterId != null && found != null && !found.equals(clusterId)) {
                    throw new IOException(
                            "log directory " + dir + " belongs to cluster " + found + ", not " + clusterId);
                }
                if (found != null) {
                    clusterId = found;
                }
            }
        }
        if (clusterId == null) {
            clusterId = newId();
        }
        for (Path dir : dirs) {
            Path file = dir.resolve(FILE);
            if (!Files.exists(file)) {
                Files.createDirectories(dir);
                AtomicFiles.write(
                        file,
                        "#\n#Written by Spool\ncluster.id=" + clusterId + "\ndirectory.id=" + newId() + "\nnode.id="
                                + nodeId + "\nversion=1\n");
            }
        }
        return clusterId;
    }
}
