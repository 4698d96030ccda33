package dev.spool.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.common.Time;
import dev.spool.storage.LogEnv;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerIdManagerTest {
    @TempDir
    Path dir;

    @Test
    void idsAreUniqueAndARestartNeverReusesOne() throws Exception {
        Set<Long> seen = new HashSet<>();
        for (int restart = 0; restart < 3; restart++) {
            try (LocalMetadataQuorum quorum = LocalMetadataQuorum.open(dir, LogEnv.of(Time.SYSTEM))) {
                ProducerIdManager ids = new ProducerIdManager(quorum, 1, 10);
                for (int i = 0; i < 25; i++) { // 3 blocks, the last one partly used
                    long id = ids.generate();
                    assertThat(id).isNotNegative();
                    assertThat(seen.add(id)).as("id %d handed out twice", id).isTrue();
                }
                assertThat(quorum.image().nextProducerId()).isEqualTo(30L * (restart + 1));
            }
        }
        assertThat(seen).hasSize(75);
    }

    @Test
    void aBlockIsReservedBeforeItsFirstIdIsHandedOut() throws Exception {
        try (LocalMetadataQuorum quorum = LocalMetadataQuorum.open(dir, LogEnv.of(Time.SYSTEM))) {
            assertThat(quorum.image().nextProducerId()).isZero();
            assertThat(new ProducerIdManager(quorum, 1).generate()).isZero();
            assertThat(quorum.image().nextProducerId()).isEqualTo(ProducerIdManager.BLOCK_SIZE);
        }
        try (LocalMetadataQuorum quorum = LocalMetadataQuorum.open(dir, LogEnv.of(Time.SYSTEM))) {
            assertThat(quorum.image().nextProducerId()).isEqualTo(ProducerIdManager.BLOCK_SIZE);
            assertThat(new ProducerIdManager(quorum, 1).generate()).isEqualTo(ProducerIdManager.BLOCK_SIZE);
        }
    }
}
