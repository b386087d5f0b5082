package io.openclaw.testing;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.KafkaCloudEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Reads CloudEvents from topics of the shared broker, from the moment it is opened, so a test can assert
 * what a service published. Also keeps the raw records, for scanning them for secrets.
 */
public final class EventTap implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();

    private EventTap(Collection<String> topics) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.shared().bootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        // assigned, not subscribed: no group rebalance can move the position, not even a broker restart
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        if (partitions.isEmpty()) {
            throw new IllegalStateException("no partitions for " + topics);
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
    }

    /** Starts reading the topics from their current end. */
    public static EventTap open(String... topics) {
        return new EventTap(List.of(topics));
    }

    /** Waits until an event matching the predicate arrives and returns it. */
    public CloudEvent await(Predicate<CloudEvent> match, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        int seen = 0;
        while (true) {
            List<CloudEvent> events = events();
            for (int i = seen; i < events.size(); i++) {
                if (match.test(events.get(i))) {
                    return events.get(i);
                }
            }
            seen = events.size();
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no matching event within " + timeout + "; saw " + events.size() + ": "
                        + events.stream().map(CloudEvent::type).toList());
            }
            poll(Duration.ofMillis(200));
        }
    }

    /** Waits for an event of the given CloudEvents type. */
    public CloudEvent awaitType(String type, Duration timeout) {
        return await(e -> e.type().equals(type), timeout);
    }

    /** Reads what has arrived so far (polls once more, briefly). */
    public synchronized List<CloudEvent> events() {
        poll(Duration.ofMillis(50));
        return records.stream().map(KafkaCloudEvents::fromRecord).toList();
    }

    /** The raw records read so far, headers and values included. */
    public synchronized List<ConsumerRecord<String, byte[]>> records() {
        poll(Duration.ofMillis(50));
        return List.copyOf(records);
    }

    private synchronized void poll(Duration timeout) {
        consumer.poll(timeout).forEach(records::add);
    }

    /** A header of a raw record as text (a {@code dlq_*} header, say); null when the record has none. */
    public static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Publishes an event to its topic and waits for the broker's acknowledgement. */
    public static void publish(CloudEvent event) {
        publish(KafkaCloudEvents.toRecord(event));
    }

    /** Publishes a record as it is (a malformed one, say) and waits for the broker's acknowledgement. */
    public static void publish(ProducerRecord<String, byte[]> record) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBroker.shared().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to " + record.topic(), e);
        }
    }

    @Override
    public synchronized void close() {
        consumer.close();
    }

    /** Whether any raw record matches the predicate on its value as text (for secret scans). */
    public boolean anyRecordText(Predicate<String> match) {
        return records().stream()
                .anyMatch(r -> match.test(
                                r.value() == null ? "" : new String(r.value(), java.nio.charset.StandardCharsets.UTF_8))
                        || java.util.stream.StreamSupport.stream(r.headers().spliterator(), false)
                                .anyMatch(h ->
                                        match.test(new String(h.value(), java.nio.charset.StandardCharsets.UTF_8))));
    }

    /** Events read so far that match. */
    public List<CloudEvent> matching(Predicate<CloudEvent> match) {
        return events().stream().filter(match).toList();
    }
}
