package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeIndexTest {
    private static final long BASE = 500;

    @TempDir
    Path dir;

    private TimeIndex index;

    private TimeIndex open(int maxBytes, boolean writable) throws Exception {
        index = new TimeIndex(dir.resolve("00000000000000000500.timeindex"), BASE, maxBytes, writable);
        return index;
    }

    @AfterEach
    void closeIndex() throws Exception {
        if (index != null) {
            index.close();
        }
    }

    @Test
    void emptyIndexHasNoLastEntryAndLooksUpTheBase() throws Exception {
        TimeIndex idx = open(120, true);
        assertThat(idx.maxEntries()).isEqualTo(10);
        assertThat(idx.lastEntry()).isNull();
        assertThat(idx.lookupStartOffset(12345)).isEqualTo(BASE);
    }

    @Test
    void lookupStartOffsetIsTheLastEntryBelowTheTimestamp() throws Exception {
        TimeIndex idx = open(1200, true);
        idx.maybeAppend(100, 502);
        idx.maybeAppend(200, 510);
        idx.maybeAppend(300, 520);
        assertThat(idx.entries()).isEqualTo(3);
        assertThat(idx.lookupStartOffset(50)).isEqualTo(BASE);
        assertThat(idx.lookupStartOffset(100)).isEqualTo(BASE);
        assertThat(idx.lookupStartOffset(101)).isEqualTo(502);
        assertThat(idx.lookupStartOffset(200)).isEqualTo(502);
        assertThat(idx.lookupStartOffset(201)).isEqualTo(510);
        assertThat(idx.lookupStartOffset(10_000)).isEqualTo(520);
        assertThat(idx.lastEntry()).isEqualTo(new TimeIndex.Entry(300, 520));
    }

    @Test
    void entriesMustIncreaseInTimestampAndNeverGoBackInOffset() throws Exception {
        TimeIndex idx = open(1200, true);
        idx.maybeAppend(200, 510);
        idx.maybeAppend(200, 520); // same timestamp: ignored
        idx.maybeAppend(150, 530); // smaller timestamp: ignored
        assertThat(idx.entries()).isEqualTo(1);
        idx.maybeAppend(300, 505); // larger timestamp at a smaller offset: offset kept monotonic
        assertThat(idx.entries()).isEqualTo(2);
        assertThat(idx.lastEntry()).isEqualTo(new TimeIndex.Entry(300, 510));
    }

    @Test
    void offsetBelowTheBaseIsRejected() throws Exception {
        TimeIndex idx = open(1200, true);
        assertThatThrownBy(() -> idx.maybeAppend(100, BASE - 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(idx.entries()).isZero();
    }

    @Test
    void fullIndexIgnoresFurtherEntriesButKeepsASlotForTheFinalOne() throws Exception {
        TimeIndex idx = open(36, true); // 3 slots: 2 for appends, 1 kept for the entry written on roll
        idx.maybeAppend(100, 500);
        idx.maybeAppend(200, 501);
        assertThat(idx.isFull()).isTrue();
        idx.maybeAppend(300, 502);
        assertThat(idx.entries()).isEqualTo(2);
        assertThat(idx.lastEntry()).isEqualTo(new TimeIndex.Entry(200, 501));
        idx.maybeAppendFinal(300, 502);
        assertThat(idx.entries()).isEqualTo(3);
        assertThat(idx.lastEntry()).isEqualTo(new TimeIndex.Entry(300, 502));
        idx.maybeAppendFinal(400, 503);
        assertThat(idx.entries()).isEqualTo(3);
    }

    @Test
    void truncateToRemovesEntriesWhoseOffsetIsAtOrAfter() throws Exception {
        TimeIndex idx = open(1200, true);
        idx.maybeAppend(100, 502);
        idx.maybeAppend(200, 510);
        idx.maybeAppend(300, 520);
        idx.truncateTo(521);
        assertThat(idx.entries()).isEqualTo(3);
        idx.truncateTo(520);
        assertThat(idx.lastEntry()).isEqualTo(new TimeIndex.Entry(200, 510));
        idx.truncateTo(503);
        assertThat(idx.lastEntry()).isEqualTo(new TimeIndex.Entry(100, 502));
        // a later entry may have a smaller timestamp than a removed one
        idx.maybeAppend(150, 503);
        assertThat(idx.lastEntry()).isEqualTo(new TimeIndex.Entry(150, 503));
        idx.truncateTo(0);
        assertThat(idx.entries()).isZero();
    }

    @Test
    void trimResizeAndReopen() throws Exception {
        TimeIndex idx = open(1200, true);
        idx.maybeAppend(100, 502);
        idx.maybeAppend(200, 510);
        idx.trimToValidSize();
        assertThat(Files.size(idx.file())).isEqualTo(24);
        assertThat(idx.isFull()).isTrue();
        idx.resizeForAppends(1200);
        assertThat(Files.size(idx.file())).isEqualTo(1200);
        assertThat(idx.isFull()).isFalse();
        idx.maybeAppend(300, 520);
        idx.close();
        assertThat(Files.size(idx.file())).isEqualTo(36);

        TimeIndex reopened = open(1200, false);
        assertThat(reopened.entries()).isEqualTo(3);
        assertThat(reopened.lastEntry()).isEqualTo(new TimeIndex.Entry(300, 520));
        assertThat(reopened.lookupStartOffset(250)).isEqualTo(510);
    }
}
