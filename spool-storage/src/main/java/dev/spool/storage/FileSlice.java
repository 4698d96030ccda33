package dev.spool.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A range of a segment file: what a read returns instead of a copy, so a network layer can hand it
 * to {@code sendfile}. The range always holds whole record batches.
 */
public record FileSlice(FileChannel channel, long position, int size) {

    /** An empty slice, for reads at the log end. */
    public static FileSlice empty(FileChannel channel) {
        return new FileSlice(channel, 0, 0);
    }

    /** Sends the whole slice to {@code target} with {@link FileChannel#transferTo}; returns bytes sent. */
    public long transferTo(WritableByteChannel target) throws IOException {
        long sent = 0;
        while (sent < size) {
            long n = channel.transferTo(position + sent, size - sent, target);
            if (n <= 0) {
                break;
            }
            sent += n;
        }
        return sent;
    }

    /** Copies the slice into a new heap buffer (tests and tools only; the fetch path never copies). */
    public ByteBuffer readFully() throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(size);
        while (buf.hasRemaining()) {
            if (channel.read(buf, position + buf.position()) < 0) {
                break;
            }
        }
        return buf.flip();
    }
}
