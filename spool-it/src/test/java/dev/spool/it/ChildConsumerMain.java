package dev.spool.it;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A consumer process for crash tests: {@code ChildConsumerMain bootstrap group topic} joins the group with
 * {@code group.protocol=consumer} and prints {@value #ASSIGNED} with its partition count whenever its
 * assignment changes, until killed.
 */
public final class ChildConsumerMain {
    static final String ASSIGNED = "ASSIGNED ";

    private ChildConsumerMain() {}

    public static void main(String[] args) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, args[1]);
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "child");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(args[2]));
            int last = -1;
            while (true) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    System.out.println("RECORD " + r.partition() + " " + r.offset());
                }
                int now = consumer.assignment().size();
                if (now != last) {
                    System.out.println(ASSIGNED + now);
                    System.out.flush();
                    last = now;
                }
            }
        }
    }
}
