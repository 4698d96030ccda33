package dev.spool.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link FileChannel} that delegates to a real one and can be told to fail: the next write after
 * writing some of its bytes (as a full disk does), or every {@code force}. Inject it with
 * {@link Opener} as a {@link LogEnv.FileChannelOpener}.
 */
public final class FaultInjectingFileChannel extends FileChannel {
    public static final String DISK_FULL = "No space left on device";
    public static final String IO_ERROR = "Input/output error";

    private final Path path;
    private final FileChannel delegate;
    /** Bytes the next write may write before it fails; negative: no fault armed. */
    private volatile int failWriteAfterBytes = -1;

    private volatile boolean failForce;
    private volatile boolean failTruncate;
    private final AtomicInteger writeCalls = new AtomicInteger();

    public FaultInjectingFileChannel(Path path, FileChannel delegate) {
        this.path = path;
        this.delegate = delegate;
    }

    public Path path() {
        return path;
    }

    /** The next write writes at most {@code bytes} bytes, then throws "No space left on device" (once). */
    public void failNextWriteAfter(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes " + bytes);
        }
        failWriteAfterBytes = bytes;
    }

    /** Makes every {@code force} throw (or not). */
    public void failForce(boolean fail) {
        failForce = fail;
    }

    /** Makes every {@code truncate} throw (or not). */
    public void failTruncate(boolean fail) {
        failTruncate = fail;
    }

    /** How many write calls reached this channel. */
    public int writeCalls() {
        return writeCalls.get();
    }

    /** Writes with {@code write} (positional or not) unless a fault is armed; then writes a prefix and throws. */
    private int guardedWrite(ByteBuffer src, IoWrite write) throws IOException {
        writeCalls.incrementAndGet();
        int budget = failWriteAfterBytes;
        if (budget < 0) {
            return write.apply(src);
        }
        failWriteAfterBytes = -1;
        if (budget > 0) {
            ByteBuffer prefix = src.duplicate();
            prefix.limit(prefix.position() + Math.min(budget, src.remaining()));
            int written = 0;
            while (prefix.hasRemaining()) {
                written += write.apply(prefix);
            }
            src.position(src.position() + written);
        }
        throw new IOException(DISK_FULL);
    }

    @FunctionalInterface
    private interface IoWrite {
        int apply(ByteBuffer buf) throws IOException;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return guardedWrite(src, delegate::write);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        long[] at = {position};
        return guardedWrite(src, b -> {
            int n = delegate.write(b, at[0]);
            at[0] += n;
            return n;
        });
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += write(srcs[i]);
        }
        return total;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        if (failForce) {
            throw new IOException(IO_ERROR);
        }
        delegate.force(metaData);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return delegate.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return delegate.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return delegate.read(dst, position);
    }

    @Override
    public long position() throws IOException {
        return delegate.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        delegate.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return delegate.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        if (failTruncate) {
            throw new IOException(IO_ERROR);
        }
        delegate.truncate(size);
        return this;
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return delegate.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        return delegate.transferFrom(src, position, count);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return delegate.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return delegate.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return delegate.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        delegate.close();
    }

    /** Opens real channels wrapped in fault injectors and remembers them by path. */
    public static final class Opener implements LogEnv.FileChannelOpener {
        private final Map<Path, FaultInjectingFileChannel> byPath = new ConcurrentHashMap<>();
        private final List<FaultInjectingFileChannel> all = new CopyOnWriteArrayList<>();
        private volatile boolean failOpen;

        @Override
        public FileChannel open(Path path, OpenOption... options) throws IOException {
            if (failOpen) {
                throw new IOException(IO_ERROR + " opening " + path);
            }
            FaultInjectingFileChannel ch = new FaultInjectingFileChannel(path, FileChannel.open(path, options));
            byPath.put(path.toAbsolutePath().normalize(), ch);
            all.add(ch);
            return ch;
        }

        /** The channel most recently opened for {@code path}; fails if none was. */
        public FaultInjectingFileChannel channel(Path path) {
            FaultInjectingFileChannel ch = byPath.get(path.toAbsolutePath().normalize());
            if (ch == null) {
                throw new IllegalStateException("no channel was opened for " + path + "; opened: " + byPath.keySet());
            }
            return ch;
        }

        /** Every channel opened so far. */
        public List<FaultInjectingFileChannel> opened() {
            return new ArrayList<>(all);
        }

        /** Makes later opens fail (or not). */
        public void failOpen(boolean fail) {
            failOpen = fail;
        }
    }
}
