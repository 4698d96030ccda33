package dev.spool.common;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes small state files so that a crash leaves either the old or the new content, never a mix:
 * write a temp file beside the target, fsync it, rename it over the target, fsync the directory.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Atomically replaces {@code target} with {@code content} (UTF-8). */
    public static void write(Path target, String content) throws IOException {
        write(target, ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
    }

    /** Atomically replaces {@code target} with the remaining bytes of {@code content}. */
    public static void write(Path target, ByteBuffer content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        boolean moved = false;
        try {
            try (ch) {
                while (content.hasRemaining()) {
                    ch.write(content);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                deleteQuietly(tmp);
            }
        }
        fsyncDirectory(target.toAbsolutePath().getParent());
    }

    /** Removes a temp file this class wrote, after a failed write or rename (e.g. disk full). */
    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            // The original failure is the one to report; a leftover temp file is overwritten next time.
        }
    }

    /** Makes a directory entry change (create, rename, delete) durable. */
    public static void fsyncDirectory(Path dir) throws IOException {
        if (dir == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some filesystems refuse to open or fsync a directory; the rename itself still happened.
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }
}
