package dev.spool.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IoThrottlerTest {
    @Test
    void sleepsAsLongAsTheBytesShouldHaveTakenAtTheLimit() {
        MockTime time = new MockTime(0);
        List<Long> sleeps = new ArrayList<>();
        IoThrottler t = new IoThrottler(time, 1_000_000, ns -> {
            sleeps.add(ns);
            time.sleep(ns / 1_000_000);
        });
        t.maybeThrottle(500_000); // within the first check interval: no decision yet
        assertThat(sleeps).isEmpty();
        time.sleep(100);
        t.maybeThrottle(500_000); // 1 MB in 100 ms at 1 MB/s: should have taken 1 s
        assertThat(sleeps).containsExactly(900_000_000L);
        time.sleep(200);
        t.maybeThrottle(100_000); // 100 kB in 200 ms: below the limit
        assertThat(sleeps).hasSize(1);
    }

    @Test
    void theDefaultIsUnlimited() {
        MockTime time = new MockTime(0);
        IoThrottler t = new IoThrottler(time, Double.MAX_VALUE, ns -> {
            throw new AssertionError("slept");
        });
        time.sleep(1000);
        t.maybeThrottle(Long.MAX_VALUE / 2);
        assertThat(t.unlimited()).isTrue();
    }
}
