package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransactionIndexTest {
    @TempDir
    Path dir;

    private static final AbortedTxn FIRST = new AbortedTxn(7, 100, 110, 100);
    private static final AbortedTxn SECOND = new AbortedTxn(8, 105, 120, 105);

    @Test
    void aNewIndexStartsItsFileAfreshOnTheFirstEntry() throws Exception {
        Path file = TransactionIndex.file(dir, 100, "");
        Files.write(
                file,
                TransactionIndex.encode(List.of(new AbortedTxn(1, 1, 2, 1))).array()); // stale
        TransactionIndex index = TransactionIndex.create(file);
        assertThat(index.entries()).isEmpty();
        assertThat(index.append(FIRST)).isTrue();
        assertThat(index.append(SECOND)).isTrue();
        assertThat(Files.size(file)).isEqualTo(2L * TransactionIndex.ENTRY_SIZE);
        assertThat(TransactionIndex.open(file).entries()).containsExactly(FIRST, SECOND);
    }

    @Test
    void aNewIndexWithoutEntriesHasNoFileToRename() throws Exception {
        Path file = TransactionIndex.file(dir, 100, "");
        Path deleted = dir.resolve(file.getFileName() + ".deleted");
        TransactionIndex index = TransactionIndex.create(file);
        index.renameReplacing(deleted);
        assertThat(index.file()).isEqualTo(deleted);
        assertThat(file).doesNotExist();
        assertThat(deleted).doesNotExist();
    }

    @Test
    void anIndexWithAFileIsRenamedWithIt() throws Exception {
        Path file = TransactionIndex.file(dir, 100, "");
        Path deleted = dir.resolve(file.getFileName() + ".deleted");
        TransactionIndex index = TransactionIndex.create(file);
        index.append(FIRST);
        index.renameReplacing(deleted);
        assertThat(file).doesNotExist();
        assertThat(TransactionIndex.open(deleted).entries()).containsExactly(FIRST);

        Path other = TransactionIndex.file(dir, 200, "");
        Files.write(other, TransactionIndex.encode(List.of(SECOND)).array());
        TransactionIndex opened = TransactionIndex.open(other);
        opened.renameReplacing(deleted); // replaces the earlier .deleted file
        assertThat(other).doesNotExist();
        assertThat(TransactionIndex.open(deleted).entries()).containsExactly(SECOND);
    }
}
