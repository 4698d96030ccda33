package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.protocol.record.BatchError;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimestampBoundsTest {
    private static final long NOW = 1_700_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void createTimeOutsideTheBoundsIsRefusedAndNothingIsWritten() throws Exception {
        LogConfig cfg = LogTestSupport.config(
                LogConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS, 1000, LogConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS, 500);
        try (Log log = LogTestSupport.open(dir, cfg, new MockTime(NOW), LogLoader.LoadParams.FRESH)) {
            assertThat(log.appendAsLeader(LogTestSupport.batch("ok", 1, NOW + 500), 0)
                            .ok())
                    .isTrue();
            assertThat(log.appendAsLeader(LogTestSupport.batch("ok", 1, NOW - 1000), 0)
                            .ok())
                    .isTrue();
            AppendResult future = log.appendAsLeader(LogTestSupport.batch("late", 1, NOW + 501), 0);
            assertThat(future.error()).isEqualTo(BatchError.INVALID_TIMESTAMP);
            assertThat(future.message()).contains("out of range");
            assertThat(log.appendAsLeader(LogTestSupport.batch("old", 1, NOW - 1001), 0)
                            .error())
                    .isEqualTo(BatchError.INVALID_TIMESTAMP);
            assertThat(log.logEndOffset()).isEqualTo(2);
        }
    }

    @Test
    void theDefaultsAllowTheRecentPastAndAnHourAheadAndLogAppendTimeIsNotChecked() {
        LogConfig defaults = LogConfig.defaults();
        assertThat(TimestampBounds.check(LogTestSupport.batch("a", 1, 0), defaults, NOW))
                .isNull();
        assertThat(TimestampBounds.check(LogTestSupport.batch("a", 1, NOW + 3_600_000), defaults, NOW))
                .isNull();
        assertThat(TimestampBounds.check(LogTestSupport.batch("a", 1, NOW + 3_600_001), defaults, NOW))
                .isNotNull();
        LogConfig appendTime = LogTestSupport.config(LogConfig.MESSAGE_TIMESTAMP_TYPE, "LogAppendTime");
        assertThat(TimestampBounds.check(LogTestSupport.batch("a", 1, NOW + 3_600_001), appendTime, NOW))
                .isNull();
    }
}
