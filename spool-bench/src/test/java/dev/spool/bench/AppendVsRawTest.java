package dev.spool.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AppendVsRawTest {
    @Test
    void quantilesInterpolateBetweenSortedNeighbours() {
        double[] values = {0.9, 0.7, 0.8, 1.0};
        assertThat(AppendVsRaw.quantile(values, 0.5)).isCloseTo(0.85, within(1e-12));
        assertThat(AppendVsRaw.quantile(values, 0)).isEqualTo(0.7);
        assertThat(AppendVsRaw.quantile(values, 1)).isEqualTo(1.0);
        assertThat(AppendVsRaw.quantile(values, 0.25)).isCloseTo(0.775, within(1e-12));
        assertThat(AppendVsRaw.quantile(new double[] {0.5}, 0.5)).isEqualTo(0.5);
        assertThat(values).containsExactly(0.9, 0.7, 0.8, 1.0); // not sorted in place
    }
}
