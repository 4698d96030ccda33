package dev.spool.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppendVsRawTest {
    @TempDir
    Path root;

    private String savedProperty;

    @BeforeEach
    void pointBenchDirsAtTempDir() {
        savedProperty = System.getProperty(BenchDirs.DIR_PROPERTY);
        System.setProperty(BenchDirs.DIR_PROPERTY, root.toString());
    }

    @AfterEach
    void restoreProperty() {
        if (savedProperty == null) {
            System.clearProperty(BenchDirs.DIR_PROPERTY);
        } else {
            System.setProperty(BenchDirs.DIR_PROPERTY, savedProperty);
        }
    }

    @Test
    void measuresBothSidesInAlternatingBlocksAndLeavesNothingBehind() throws Exception {
        // Tiny: 3 logs of at most 4 batches each, so both sides empty and replace files in every block.
        AppendVsRaw.Block[][] blocks = AppendVsRaw.measure(10240, 3, 3, 20_000_000L, 10_000_000L, 3L * 4 * 10240);
        assertThat(blocks).hasNumberOfRows(3);
        for (AppendVsRaw.Block[] pair : blocks) {
            assertThat(pair).hasSize(2);
            for (AppendVsRaw.Block b : pair) {
                assertThat(b.opsPerSecond()).isPositive();
                assertThat(b.userNanos() + b.systemNanos()).isPositive();
            }
        }
        try (var left = java.nio.file.Files.list(root)) {
            assertThat(left).isEmpty(); // both directories removed, every deletion done
        }
    }

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
