package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffsetIndexTest {
    private static final long BASE = 1000;

    @TempDir
    Path dir;

    private OffsetIndex index;

    private OffsetIndex open(int maxBytes, boolean writable) throws Exception {
        index = new OffsetIndex(dir.resolve("00000000000000001000.index"), BASE, maxBytes, writable);
        return index;
    }

    @AfterEach
    void closeIndex() throws Exception {
        if (index != null) {
            index.close();
        }
    }

    @Test
    void newIndexIsPreallocatedToWholeEntriesAndEmpty() throws Exception {
        OffsetIndex idx = open(100, true);
        assertThat(idx.entries()).isZero();
        assertThat(idx.maxEntries()).isEqualTo(12); // 100 / 8 rounded down
        assertThat(Files.size(idx.file())).isEqualTo(96);
        assertThat(idx.isFull()).isFalse();
        assertThat(idx.lookup(5000)).isEqualTo(new OffsetIndex.Position(BASE, 0));
        assertThat(idx.lastEntry()).isEqualTo(new OffsetIndex.Position(BASE, 0));
    }

    @Test
    void lookupReturnsLargestEntryAtOrBeforeTheOffset() throws Exception {
        OffsetIndex idx = open(1024, true);
        idx.append(1000, 0);
        idx.append(1010, 400);
        idx.append(1020, 900);
        assertThat(idx.entries()).isEqualTo(3);
        assertThat(idx.lookup(999)).isEqualTo(new OffsetIndex.Position(1000, 0));
        assertThat(idx.lookup(0)).isEqualTo(new OffsetIndex.Position(1000, 0));
        assertThat(idx.lookup(1000)).isEqualTo(new OffsetIndex.Position(1000, 0));
        assertThat(idx.lookup(1009)).isEqualTo(new OffsetIndex.Position(1000, 0));
        assertThat(idx.lookup(1010)).isEqualTo(new OffsetIndex.Position(1010, 400));
        assertThat(idx.lookup(1019)).isEqualTo(new OffsetIndex.Position(1010, 400));
        assertThat(idx.lookup(1020)).isEqualTo(new OffsetIndex.Position(1020, 900));
        assertThat(idx.lookup(Long.MAX_VALUE / 2)).isEqualTo(new OffsetIndex.Position(1020, 900));
        assertThat(idx.lastEntry()).isEqualTo(new OffsetIndex.Position(1020, 900));
    }

    @Test
    void lookupWithoutAnEntryAtTheBaseFallsBackToSegmentStart() throws Exception {
        OffsetIndex idx = open(1024, true);
        idx.append(1005, 300);
        assertThat(idx.lookup(1004)).isEqualTo(new OffsetIndex.Position(BASE, 0));
        assertThat(idx.lookup(1005)).isEqualTo(new OffsetIndex.Position(1005, 300));
    }

    @Test
    void lookupByPositionFindsLastEntryAtOrBeforeThePosition() throws Exception {
        OffsetIndex idx = open(1024, true);
        idx.append(1002, 100);
        idx.append(1010, 400);
        idx.append(1020, 900);
        assertThat(idx.lookupByPosition(0)).isEqualTo(new OffsetIndex.Position(BASE, 0));
        assertThat(idx.lookupByPosition(99)).isEqualTo(new OffsetIndex.Position(BASE, 0));
        assertThat(idx.lookupByPosition(100)).isEqualTo(new OffsetIndex.Position(1002, 100));
        assertThat(idx.lookupByPosition(899)).isEqualTo(new OffsetIndex.Position(1010, 400));
        assertThat(idx.lookupByPosition(900)).isEqualTo(new OffsetIndex.Position(1020, 900));
        assertThat(idx.lookupByPosition(Integer.MAX_VALUE)).isEqualTo(new OffsetIndex.Position(1020, 900));
    }

    @Test
    void entriesMustIncrease() throws Exception {
        OffsetIndex idx = open(1024, true);
        idx.append(1010, 400);
        assertThatThrownBy(() -> idx.append(1010, 500))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1010");
        assertThatThrownBy(() -> idx.append(1005, 500)).isInstanceOf(IllegalArgumentException.class);
        assertThat(idx.entries()).isEqualTo(1);
    }

    @Test
    void offsetsOutsideTheRelativeRangeAreRejected() throws Exception {
        OffsetIndex idx = open(1024, true);
        assertThatThrownBy(() -> idx.append(BASE - 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> idx.append(BASE + Integer.MAX_VALUE + 1L, 0))
                .isInstanceOf(IllegalArgumentException.class);
        idx.append(BASE + Integer.MAX_VALUE, 0);
        assertThat(idx.lastEntry().offset()).isEqualTo(BASE + Integer.MAX_VALUE);
    }

    @Test
    void fullIndexRefusesAppends() throws Exception {
        OffsetIndex idx = open(24, true);
        idx.append(1000, 0);
        idx.append(1001, 10);
        assertThat(idx.isFull()).isFalse();
        idx.append(1002, 20);
        assertThat(idx.isFull()).isTrue();
        assertThatThrownBy(() -> idx.append(1003, 30))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("full");
        assertThat(idx.entries()).isEqualTo(3);
    }

    @Test
    void truncateToRemovesEntriesAtOrAfterTheOffset() throws Exception {
        OffsetIndex idx = open(1024, true);
        idx.append(1000, 0);
        idx.append(1010, 400);
        idx.append(1020, 900);
        idx.truncateTo(1020);
        assertThat(idx.entries()).isEqualTo(2);
        assertThat(idx.lastEntry()).isEqualTo(new OffsetIndex.Position(1010, 400));
        idx.truncateTo(1011);
        assertThat(idx.entries()).isEqualTo(2);
        idx.truncateTo(1010);
        assertThat(idx.entries()).isEqualTo(1);
        // appending after a truncation reuses the slots
        idx.append(1012, 450);
        assertThat(idx.lookup(1015)).isEqualTo(new OffsetIndex.Position(1012, 450));
        idx.truncateTo(BASE);
        assertThat(idx.entries()).isZero();
        idx.append(1000, 0);
        assertThat(idx.entries()).isEqualTo(1);
    }

    @Test
    void truncateBelowTheBaseEmptiesTheIndex() throws Exception {
        OffsetIndex idx = open(1024, true);
        idx.append(1000, 0);
        idx.truncateTo(3);
        assertThat(idx.entries()).isZero();
    }

    @Test
    void trimAndResizeChangeTheFileButKeepEntries() throws Exception {
        OffsetIndex idx = open(800, true);
        idx.append(1000, 0);
        idx.append(1010, 400);
        idx.trimToValidSize();
        assertThat(Files.size(idx.file())).isEqualTo(16);
        assertThat(idx.isFull()).isTrue();
        assertThat(idx.lookup(1015)).isEqualTo(new OffsetIndex.Position(1010, 400));

        idx.resizeForAppends(800);
        assertThat(Files.size(idx.file())).isEqualTo(800);
        assertThat(idx.maxEntries()).isEqualTo(100);
        assertThat(idx.isFull()).isFalse();
        idx.append(1020, 900);
        assertThat(idx.entries()).isEqualTo(3);
        assertThat(idx.lookup(1010)).isEqualTo(new OffsetIndex.Position(1010, 400));

        // never shrinks below its entries
        idx.resizeForAppends(8);
        assertThat(Files.size(idx.file())).isEqualTo(24);
        assertThat(idx.entries()).isEqualTo(3);
    }

    @Test
    void reopenedIndexKeepsItsEntries() throws Exception {
        OffsetIndex idx = open(1024, true);
        idx.append(1000, 0);
        idx.append(1010, 400);
        idx.append(1020, 900);
        idx.close();
        assertThat(Files.size(idx.file())).isEqualTo(24);

        OffsetIndex readOnly = open(1024, false);
        assertThat(readOnly.entries()).isEqualTo(3);
        assertThat(Files.size(readOnly.file())).isEqualTo(24);
        assertThat(readOnly.lookup(1015)).isEqualTo(new OffsetIndex.Position(1010, 400));
        readOnly.close();

        OffsetIndex writable = open(1024, true);
        assertThat(writable.entries()).isEqualTo(3);
        assertThat(Files.size(writable.file())).isEqualTo(1024);
        assertThat(writable.lastEntry()).isEqualTo(new OffsetIndex.Position(1020, 900));
        writable.append(1030, 1200);
        assertThat(writable.lookup(1031)).isEqualTo(new OffsetIndex.Position(1030, 1200));
    }

    @Test
    void resetRemovesAllEntries() throws Exception {
        OffsetIndex idx = open(1024, true);
        idx.append(1000, 0);
        idx.append(1010, 400);
        idx.reset();
        assertThat(idx.entries()).isZero();
        assertThat(idx.lookup(1015)).isEqualTo(new OffsetIndex.Position(BASE, 0));
    }

    @Test
    void aNewIndexWritesItsFileOnlyWhenFirstFlushedReplacingAStaleOne() throws Exception {
        Path file = dir.resolve("00000000000000001000.index");
        Files.write(file, new byte[4096]); // left by an earlier incarnation: four hundred zero entries
        index = OffsetIndex.createNew(file, BASE, 1024);
        index.append(1000, 0);
        index.append(1010, 400);
        assertThat(Files.size(file)).isEqualTo(4096); // untouched until written
        assertThat(index.lookup(1015)).isEqualTo(new OffsetIndex.Position(1010, 400));
        index.flush();
        assertThat(Files.size(file)).isEqualTo(1024); // the stale bytes replaced; preallocated
        index.append(1020, 900);
        index.flush(); // the second write goes to the file the first created
        index.close();
        assertThat(Files.size(file)).isEqualTo(24);
        OffsetIndex reopened = open(1024, false);
        assertThat(reopened.entries()).isEqualTo(3);
        assertThat(reopened.lookup(1025)).isEqualTo(new OffsetIndex.Position(1020, 900));
    }

    @Test
    void aNewIndexWithoutEntriesHasNoFileUntilSealed() throws Exception {
        Path file = dir.resolve("00000000000000001000.index");
        index = OffsetIndex.createNew(file, BASE, 1024);
        index.flush(); // nothing to write
        assertThat(file).doesNotExist();
        index.trimToValidSize();
        assertThat(file).exists();
        assertThat(Files.size(file)).isZero();
    }

    @Test
    void aRemovedNewIndexNeverCreatesItsFile() throws Exception {
        Path file = dir.resolve("00000000000000001000.index");
        Path deleted = dir.resolve("00000000000000001000.index.deleted");
        index = OffsetIndex.createNew(file, BASE, 1024);
        index.append(1000, 0);
        index.renameReplacing(deleted); // its segment is removed before the index was written
        index.flush(); // a flush that raced with the removal
        index.close();
        index.deleteIfExists();
        assertThat(file).doesNotExist();
        assertThat(deleted).doesNotExist();
        assertThat(index.lookup(1000)).isEqualTo(new OffsetIndex.Position(1000, 0));
    }
}
