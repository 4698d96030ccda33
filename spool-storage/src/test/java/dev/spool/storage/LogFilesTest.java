package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LogFilesTest {
    @Test
    void fileNamesAreTwentyZeroPaddedDigits() {
        assertThat(LogFiles.fileName(0, ".log")).isEqualTo("00000000000000000000.log");
        assertThat(LogFiles.fileName(42, ".index")).isEqualTo("00000000000000000042.index");
        assertThat(LogFiles.fileName(Long.MAX_VALUE, ".timeindex")).isEqualTo("09223372036854775807.timeindex");
    }

    @Test
    void baseOffsetOfParsesOnlyExactNames() {
        assertThat(LogFiles.baseOffsetOf(Path.of("d", "00000000000000000042.log"), ".log"))
                .isEqualTo(42);
        assertThat(LogFiles.baseOffsetOf(Path.of(LogFiles.fileName(Long.MAX_VALUE, ".log")), ".log"))
                .isEqualTo(Long.MAX_VALUE);
        assertThat(LogFiles.baseOffsetOf(Path.of("00000000000000000042.log"), ".index"))
                .isEqualTo(-1);
        assertThat(LogFiles.baseOffsetOf(Path.of("0000000000000000042.log"), ".log"))
                .isEqualTo(-1);
        assertThat(LogFiles.baseOffsetOf(Path.of("0000000000000000004x.log"), ".log"))
                .isEqualTo(-1);
        assertThat(LogFiles.baseOffsetOf(Path.of("00000000000000000042.log.deleted"), ".log"))
                .isEqualTo(-1);
        assertThat(LogFiles.baseOffsetOf(Path.of("99999999999999999999.log"), ".log"))
                .isEqualTo(-1);
    }
}
