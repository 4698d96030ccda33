package dev.spool.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void createsTheFileAndLeavesNoTemp() throws IOException {
        Path target = dir.resolve("recovery-point-offset-checkpoint");
        AtomicFiles.write(target, "0\n1\norders 0 42\n");
        assertThat(target).hasContent("0\n1\norders 0 42\n");
        assertThat(names()).containsExactly("recovery-point-offset-checkpoint");
    }

    @Test
    void replacesLongerContentCompletely() throws IOException {
        Path target = dir.resolve("state");
        AtomicFiles.write(target, "a much longer first version of the file");
        AtomicFiles.write(target, "short");
        assertThat(target).hasContent("short");
        AtomicFiles.write(target, "");
        assertThat(target).isEmptyFile();
        assertThat(names()).containsExactly("state");
    }

    @Test
    void writesUtf8() throws IOException {
        Path target = dir.resolve("utf8");
        AtomicFiles.write(target, "topic-ü €");
        assertThat(Files.readAllBytes(target)).isEqualTo("topic-ü €".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void bufferOverloadWritesTheRemainingBytesOnly() throws IOException {
        Path target = dir.resolve("bytes");
        ByteBuffer heap = ByteBuffer.wrap(new byte[] {9, 9, 1, 2, 3, 9});
        heap.position(2).limit(5);
        AtomicFiles.write(target, heap);
        assertThat(Files.readAllBytes(target)).containsExactly(1, 2, 3);
        assertThat(heap.hasRemaining()).isFalse();

        ByteBuffer direct = ByteBuffer.allocateDirect(100_000);
        for (int i = 0; i < direct.capacity(); i++) {
            direct.put((byte) i);
        }
        direct.flip();
        AtomicFiles.write(target, direct);
        byte[] read = Files.readAllBytes(target);
        assertThat(read).hasSize(100_000);
        assertThat(read[99_999]).isEqualTo((byte) 99_999);
        assertThat(names()).containsExactly("bytes");
    }

    @Test
    void staleTempFromACrashIsOverwrittenNotAppendedTo() throws IOException {
        Path target = dir.resolve("meta.properties");
        Files.writeString(dir.resolve("meta.properties.tmp"), "garbage left by a crash, longer than the content");
        AtomicFiles.write(target, "version=1\n");
        assertThat(target).hasContent("version=1\n");
        assertThat(names()).containsExactly("meta.properties");
    }

    @Test
    void tempPathBlockedByADirectoryFailsAndKeepsOldContent() throws IOException {
        Path target = dir.resolve("checkpoint");
        AtomicFiles.write(target, "old");
        Path blocker = Files.createDirectory(dir.resolve("checkpoint.tmp"));
        Files.writeString(blocker.resolve("inside"), "x");

        assertThatThrownBy(() -> AtomicFiles.write(target, "new")).isInstanceOf(IOException.class);

        assertThat(target).hasContent("old");
        assertThat(blocker).isDirectory();
        assertThat(blocker.resolve("inside")).hasContent("x");
    }

    @Test
    void emptyDirectoryBlockingTheTempPathIsNotDeleted() throws IOException {
        Path target = dir.resolve("checkpoint");
        AtomicFiles.write(target, "old");
        Path blocker = Files.createDirectory(dir.resolve("checkpoint.tmp"));

        assertThatThrownBy(() -> AtomicFiles.write(target, "new")).isInstanceOf(IOException.class);

        assertThat(target).hasContent("old");
        assertThat(blocker).isDirectory();
    }

    @Test
    void failedRenameLeavesNoTempBehind() throws IOException {
        // The target is a non-empty directory: the temp file is written but cannot replace it.
        Path target = Files.createDirectory(dir.resolve("state"));
        Files.writeString(target.resolve("child"), "keep");

        assertThatThrownBy(() -> AtomicFiles.write(target, "new")).isInstanceOf(IOException.class);

        assertThat(target.resolve("child")).hasContent("keep");
        assertThat(names()).containsExactly("state");
    }

    @Test
    void readOnlyDirectoryFailsAndKeepsOldContent() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("ro"));
        Path target = sub.resolve("checkpoint");
        AtomicFiles.write(target, "old");
        Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("r-x------"));
        try {
            // root ignores directory permissions; the check is meaningful only for other users.
            assumeFalse(Files.isWritable(sub), "directory permissions are not enforced for this user");
            assertThatThrownBy(() -> AtomicFiles.write(target, "new")).isInstanceOf(IOException.class);
            assertThat(target).hasContent("old");
            assertThat(sub.resolve("checkpoint.tmp")).doesNotExist();
        } finally {
            Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void fsyncDirectoryAcceptsNullAndExistingDirectories() throws IOException {
        AtomicFiles.fsyncDirectory(null);
        AtomicFiles.fsyncDirectory(dir);
    }

    @Test
    void fsyncDirectoryOfAMissingPathFails() {
        assertThatThrownBy(() -> AtomicFiles.fsyncDirectory(dir.resolve("missing")))
                .isInstanceOf(IOException.class);
    }
}
