package dev.spool.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

/**
 * ConsumerGroupHeartbeat frames a real kafka-clients 4.4.0 (v1) and 3.9.1 (v0) consumer sent to Apache
 * Kafka 4.4.0 (from the shared golden capture), replayed against the coordinator: the join is answered
 * as Kafka answered it (same member id, heartbeat interval and assignment; Kafka's member epoch differs,
 * see below), the next heartbeat and the leave are accepted.
 */
class ConsumerGroupGoldenTest {

    static ByteBuffer resource(String name) throws IOException {
        try (InputStream in = ConsumerGroupGoldenTest.class.getResourceAsStream("/golden/" + name)) {
            assertThat(in).as("golden/%s", name).isNotNull();
            return ByteBuffer.wrap(in.readAllBytes());
        }
    }

    static ConsumerGroupHeartbeatRequestData request(String name) throws IOException {
        ByteBuffer b = resource(name);
        RequestHeader h = RequestHeader.parse(b);
        return new ConsumerGroupHeartbeatRequestData(new ByteBufferAccessor(b), h.apiVersion());
    }

    static ConsumerGroupHeartbeatResponseData response(String name, short version) throws IOException {
        ByteBuffer b = resource(name);
        b.getInt(); // correlation id
        assertThat(b.get()).isZero(); // response header v1: no tagged fields
        return new ConsumerGroupHeartbeatResponseData(new ByteBufferAccessor(b), version);
    }

    @Test
    void aRealKafka44ConsumerIsAnsweredAsKafkaAnswersIt() throws IOException {
        ConsumerGroupHeartbeatRequestData join = request("0113-ConsumerGroupHeartbeat-v1-request.bin");
        ConsumerGroupHeartbeatResponseData kafka = response("0114-ConsumerGroupHeartbeat-v1-response.bin", (short) 1);
        assertThat(join.memberEpoch()).isZero();
        // The broker's topic, as Kafka had it: the id and partitions of Kafka's answer.
        ConsumerGroupHeartbeatResponseData.TopicPartitions assigned =
                kafka.assignment().topicPartitions().get(0);
        String topic = join.subscribedTopicNames().get(0);
        TopicCatalog catalog = () -> List.of(new TopicCatalog.TopicInfo(
                assigned.topicId(), topic, assigned.partitions().size()));
        MockClock clock = new MockClock();
        GroupCoordinator coordinator = GroupCoordinator.create(
                GroupCoordinatorConfig.defaults(),
                ConsumerGroupConfig.defaults(),
                new InMemoryCoordinatorLog(),
                catalog,
                clock,
                p -> clock);
        coordinator.ensureActive();
        GroupCoordinator.Caller caller = new GroupCoordinator.Caller("golden-java-kip848", "/127.0.0.1", (short) 1);

        ConsumerGroupHeartbeatResponseData ours =
                coordinator.consumerGroupHeartbeat(caller, join).join();
        assertThat(ours.errorCode()).isEqualTo(kafka.errorCode());
        assertThat(ours.errorMessage()).isEqualTo(kafka.errorMessage());
        assertThat(ours.memberId()).isEqualTo(kafka.memberId());
        assertThat(ours.heartbeatIntervalMs()).isEqualTo(kafka.heartbeatIntervalMs());
        assertThat(ours.assignment()).isEqualTo(kafka.assignment());
        // Kafka 4.4 answered epoch 2 (its group epoch moved twice while creating the group); epochs only
        // need to increase, so ours starts at 1.
        assertThat(ours.memberEpoch()).isPositive().isLessThanOrEqualTo(kafka.memberEpoch());

        // The client's next heartbeat (acknowledging the assignment) and its leave, at our epoch.
        ConsumerGroupHeartbeatRequestData next = request("0115-ConsumerGroupHeartbeat-v1-request.bin");
        assertThat(next.memberEpoch()).isEqualTo(kafka.memberEpoch());
        ConsumerGroupHeartbeatResponseData ack = coordinator
                .consumerGroupHeartbeat(caller, next.setMemberEpoch(ours.memberEpoch()))
                .join();
        assertThat(ack.errorCode()).isZero();
        assertThat(ack.memberEpoch()).isEqualTo(ours.memberEpoch());
        ConsumerGroupHeartbeatRequestData leave = request("0128-ConsumerGroupHeartbeat-v1-request.bin");
        assertThat(leave.memberEpoch()).isEqualTo(-1);
        ConsumerGroupHeartbeatResponseData left =
                coordinator.consumerGroupHeartbeat(caller, leave).join();
        assertThat(left.errorCode()).isZero();
        assertThat(left.memberEpoch()).isEqualTo(-1);
        assertThat(coordinator.consumerGroupDescribe(join.groupId()).join().groupState())
                .isEqualTo("Empty");
    }

    @Test
    void aRealKafka39ConsumerJoinsWithVersion0() throws IOException {
        ConsumerGroupHeartbeatRequestData join = request("java391-0113-ConsumerGroupHeartbeat-v0-request.bin");
        Uuid id = Uuid.randomUuid();
        List<TopicCatalog.TopicInfo> topics = new ArrayList<>();
        for (String t : join.subscribedTopicNames()) {
            topics.add(new TopicCatalog.TopicInfo(
                    t.equals(join.subscribedTopicNames().get(0)) ? id : Uuid.randomUuid(), t, 3));
        }
        MockClock clock = new MockClock();
        GroupCoordinator coordinator = GroupCoordinator.create(
                GroupCoordinatorConfig.defaults(),
                ConsumerGroupConfig.defaults(),
                new InMemoryCoordinatorLog(),
                () -> topics,
                clock,
                p -> clock);
        coordinator.ensureActive();
        ConsumerGroupHeartbeatResponseData r = coordinator
                .consumerGroupHeartbeat(new GroupCoordinator.Caller("c", "/127.0.0.1", (short) 0), join)
                .join();
        assertThat(r.errorCode()).isZero();
        assertThat(r.memberId()).isNotEmpty();
        assertThat(r.assignment().topicPartitions()).isNotEmpty();
    }
}
