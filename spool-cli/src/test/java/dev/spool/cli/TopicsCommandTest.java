package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spool topics ...} against a real broker. */
class TopicsCommandTest {
    @TempDir
    Path dir;

    EmbeddedSpool broker;

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedSpool.start(dir, Map.of());
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
    }

    private Cli.Result topics(String command, String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "topics";
        all[1] = command;
        all[2] = "--bootstrap-server";
        all[3] = broker.bootstrap();
        System.arraycopy(args, 0, all, 4, args.length);
        return Cli.run(all);
    }

    @Test
    void createListDescribeAlterDelete() {
        Cli.Result created =
                topics("create", "--topic", "orders", "--partitions", "2", "--config", "retention.ms=3600000");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.out()).isEqualTo("Created topic orders.\n");
        assertThat(topics("create", "--topic", "audit").exitCode()).isZero();

        Cli.Result list = topics("list");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).isEqualTo("audit\norders\n");
        assertThat(topics("list", "--topic", "ord.*").out()).isEqualTo("orders\n");

        Cli.Result describe = topics("describe", "--topic", "orders");
        assertThat(describe.exitCode()).as(describe.toString()).isZero();
        assertThat(describe.out().split("\n"))
                .satisfiesExactly(
                        l -> assertThat(l)
                                .matches("Topic: orders\tTopicId: [A-Za-z0-9_-]{22}\tPartitionCount: 2\t"
                                        + "ReplicationFactor: 1\tConfigs: retention.ms=3600000"),
                        l -> assertThat(l).isEqualTo("\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1"),
                        l -> assertThat(l).isEqualTo("\tTopic: orders\tPartition: 1\tLeader: 1\tReplicas: 1\tIsr: 1"));

        Cli.Result grow = topics("alter", "--topic", "orders", "--partitions", "3");
        assertThat(grow.exitCode()).as(grow.toString()).isZero();
        Cli.Result config = topics(
                "alter", "--topic", "orders", "--config", "segment.bytes=1048576", "--delete-config", "retention.ms");
        assertThat(config.exitCode()).as(config.toString()).isZero();
        String after = topics("describe", "--topic", "orders").out();
        assertThat(after).contains("PartitionCount: 3\tReplicationFactor: 1\tConfigs: segment.bytes=1048576\n");
        assertThat(after).contains("\tTopic: orders\tPartition: 2\tLeader: 1\tReplicas: 1\tIsr: 1\n");

        // Without --topic: every topic, sorted by name.
        String all = topics("describe").out();
        assertThat(all).startsWith("Topic: audit\t");
        assertThat(all.indexOf("Topic: orders\t")).isGreaterThan(all.indexOf("Topic: audit\t"));

        Cli.Result delete = topics("delete", "--topic", "orders");
        assertThat(delete.exitCode()).as(delete.toString()).isZero();
        assertThat(topics("list").out()).isEqualTo("audit\n");
    }

    @Test
    void failuresExitNonZeroWithTheBrokersReason() {
        assertThat(topics("create", "--topic", "dup").exitCode()).isZero();
        Cli.Result again = topics("create", "--topic", "dup");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("Error:").contains("dup").contains("already exists");
        assertThat(topics("create", "--topic", "dup", "--if-not-exists").exitCode())
                .isZero();

        Cli.Result badConfig = topics("create", "--topic", "cfg", "--config", "retention.ms=soon");
        assertThat(badConfig.exitCode()).isEqualTo(1);
        assertThat(badConfig.err()).contains("retention.ms").contains("soon");

        Cli.Result shrink = topics("alter", "--topic", "dup", "--partitions", "1");
        assertThat(shrink.exitCode()).isEqualTo(1);
        assertThat(shrink.err()).startsWith("Error:");

        Cli.Result missing = topics("delete", "--topic", "nope");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).startsWith("Error:");
        assertThat(topics("delete", "--topic", "nope", "--if-exists").exitCode())
                .isZero();

        Cli.Result describeMissing = topics("describe", "--topic", "nope");
        assertThat(describeMissing.exitCode()).isEqualTo(1);
        assertThat(describeMissing.err()).contains("'nope' does not exist");

        Cli.Result nothingToAlter = topics("alter", "--topic", "dup");
        assertThat(nothingToAlter.exitCode()).isEqualTo(2);
        assertThat(nothingToAlter.err()).contains("--partitions, --config or --delete-config");

        Cli.Result noBootstrap = Cli.run("topics", "list");
        assertThat(noBootstrap.exitCode()).isEqualTo(2);
        assertThat(noBootstrap.err()).contains("--bootstrap-server");
    }
}
