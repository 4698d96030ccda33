package dev.spool.bench;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Scratch directories for benchmarks. They are created under the directory named by the system
 * property {@value #DIR_PROPERTY} (default: {@code java.io.tmpdir}) and removed, with everything in
 * them, by {@link #deleteRecursively} in each benchmark's trial tear-down. Pass the property to the
 * forked JVMs with {@code -jvmArgsAppend -Dspool.bench.dir=/some/disk}.
 */
final class BenchDirs {
    static final String DIR_PROPERTY = "spool.bench.dir";

    /**
     * Bytes the write benchmarks may keep on disk at once, across all their files: a file (or log) is
     * emptied when its share is full, so a long run neither fills the disk nor measures a full one.
     */
    static final long WRITE_BUDGET_BYTES = 2L << 30;

    private BenchDirs() {}

    /** Each of {@code files} files' share of {@code budget}: at least one batch. */
    static long sharePerFile(long budget, int files, int batchBytes) {
        return Math.max(batchBytes, budget / files);
    }

    /** A new empty directory named {@code prefix...}. */
    static Path create(String prefix) throws IOException {
        String base = System.getProperty(DIR_PROPERTY, System.getProperty("java.io.tmpdir"));
        Path parent = Path.of(base);
        Files.createDirectories(parent);
        return Files.createTempDirectory(parent, prefix);
    }

    /** A single daemon thread that deletes replaced files off the benchmark thread, as the broker does. */
    static ScheduledExecutorService newDeleter() {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-file-deleter");
            t.setDaemon(true);
            return t;
        });
    }

    /** Waits until {@code deleter} has done the deletions it was given so far; it keeps running. */
    static void awaitDeletions(ScheduledExecutorService deleter) throws IOException {
        try {
            deleter.submit(() -> {}).get(1, TimeUnit.MINUTES); // one thread, in order: after those before
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for file deletion", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("background file deletion did not finish", e);
        }
    }

    /** Stops {@code deleter} (null: nothing) after the deletions it was given. */
    static void finishDeletions(ScheduledExecutorService deleter) throws IOException {
        if (deleter == null) {
            return;
        }
        deleter.shutdown();
        try {
            if (!deleter.awaitTermination(1, TimeUnit.MINUTES)) {
                throw new IOException("background file deletion did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for file deletion", e);
        }
    }

    /**
     * Closes every resource (nulls are skipped; a failure does not stop the others), then deletes
     * {@code dir}; rethrows the first failure with the later ones suppressed.
     */
    static void closeAllAndDelete(Path dir, Closeable... resources) throws IOException {
        IOException failure = null;
        for (Closeable c : resources) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (IOException e) {
                failure = chain(failure, e);
            }
        }
        try {
            deleteRecursively(dir);
        } catch (IOException e) {
            failure = chain(failure, e);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static IOException chain(IOException first, IOException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    /** Deletes {@code dir} and everything below it; a null or absent directory is fine. */
    static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
