package dev.spool.storage;

import dev.spool.common.AtomicFiles;
import dev.spool.common.TopicPartition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A per-directory map of partition to offset, in Kafka's checkpoint format, written atomically:
 *
 * <pre>
 * 0                      version
 * 2                      number of entries
 * orders 0 1042          topic, partition, offset
 * orders 1 977
 * </pre>
 */
public final class OffsetCheckpointFile {
    static final int VERSION = 0;

    private final Path file;

    public OffsetCheckpointFile(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Replaces the file's content with {@code offsets}, atomically. */
    public void write(Map<TopicPartition, Long> offsets) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append(VERSION).append('\n').append(offsets.size()).append('\n');
        for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
            sb.append(e.getKey().topic())
                    .append(' ')
                    .append(e.getKey().partition())
                    .append(' ')
                    .append(e.getValue())
                    .append('\n');
        }
        AtomicFiles.write(file, sb.toString());
    }

    /** Reads the file; an absent file is an empty map; a malformed one throws naming file and line. */
    public Map<TopicPartition, Long> read() throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new HashMap<>();
        }
        if (lines.size() < 2) {
            throw malformed(1, "missing version or count");
        }
        if (!lines.get(0).trim().equals(String.valueOf(VERSION))) {
            throw malformed(1, "unknown version '" + lines.get(0) + "'");
        }
        int count;
        try {
            count = Integer.parseInt(lines.get(1).trim());
        } catch (NumberFormatException e) {
            throw malformed(2, "bad entry count '" + lines.get(1) + "'");
        }
        if (count < 0 || count != lines.size() - 2) {
            throw malformed(2, "entry count " + count + " but " + (lines.size() - 2) + " entries");
        }
        Map<TopicPartition, Long> out = new HashMap<>();
        for (int i = 2; i < lines.size(); i++) {
            String[] parts = lines.get(i).trim().split(" ");
            if (parts.length != 3) {
                throw malformed(i + 1, "expected 'topic partition offset'");
            }
            try {
                out.put(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
            } catch (IllegalArgumentException e) {
                throw malformed(i + 1, e.getMessage());
            }
        }
        return out;
    }

    private IOException malformed(int line, String why) {
        return new IOException("malformed checkpoint file " + file + " at line " + line + ": " + why);
    }
}
