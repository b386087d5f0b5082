package io.openclaw.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.KafkaCloudEvents;
import io.openclaw.events.MetricNames;
import io.openclaw.events.Topics;
import io.openclaw.events.consume.EventConsumerLoop;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The services' shared consumer loop against the real broker: retries, dead letters, committed offsets. */
class EventConsumerLoopIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final KafkaBroker broker = KafkaBroker.shared();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<String> applied = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> tries = new ConcurrentHashMap<>();
    private String topic;
    private String group;
    private EventConsumerLoop loop;
    private EventConsumerLoop second;

    @BeforeEach
    void topic() {
        topic = "it.consumer-loop." + UUID.randomUUID();
        group = "it-consumer-loop-" + UUID.randomUUID();
        broker.createTopics(List.of(topic));
    }

    @AfterEach
    void stopLoop() {
        for (EventConsumerLoop started : java.util.Arrays.asList(loop, second)) {
            if (started != null) {
                started.stop();
            }
        }
    }

    @Test
    void anEventThatFailsForGoodIsDeadLetteredAfterItsAttemptsAndTheEventsBehindItAreApplied() throws Exception {
        CloudEvent poison = event();
        CloudEvent next = event();
        CloudEvent last = event();
        try (EventTap deadLetters = EventTap.open(Topics.CONSUMER_DEAD_LETTER)) {
            loop = start(event -> {
                if (event.id().equals(poison.id())) {
                    throw new IllegalStateException(
                            "could not apply", new SQLException("value too long for type", "22001"));
                }
            });
            publish(poison, next, last);

            await().atMost(WAIT).until(() -> applied.containsAll(List.of(next.id(), last.id())));

            assertThat(applied).containsExactly(next.id(), last.id());
            assertThat(tries.get(poison.id())).hasValue(3);
            ConsumerRecord<String, byte[]> letter = deadLetter(deadLetters, poison.id());
            assertThat(EventTap.header(letter, "dlq_reason")).isEqualTo(EventConsumerLoop.FAILED);
            assertThat(EventTap.header(letter, "dlq_consumer")).isEqualTo(group);
            assertThat(EventTap.header(letter, "dlq_topic")).isEqualTo(topic);
            assertThat(EventTap.header(letter, "dlq_detail"))
                    .isEqualTo("java.lang.IllegalStateException <- java.sql.SQLException [SQLSTATE 22001]");
            assertThat(KafkaCloudEvents.fromRecord(letter)).isEqualTo(poison);
            assertThat(deadLettersCounted(EventConsumerLoop.FAILED)).isEqualTo(1.0);
        }
        await().atMost(WAIT).until(() -> committed() == 3);
    }

    @Test
    void anEventThatFailsWhileAStoreIsDownIsRetriedUntilItAppliesInItsPlace() throws Exception {
        CloudEvent first = event();
        CloudEvent second = event();
        loop = start(event -> {
            // five failures: more than the attempts a permanent failure gets
            if (event.id().equals(first.id()) && tries.get(first.id()).get() <= 5) {
                throw new UncheckedIOException(new ConnectException("Connection refused"));
            }
        });
        publish(first, second);

        await().atMost(WAIT).until(() -> applied.size() == 2);

        assertThat(applied).containsExactly(first.id(), second.id());
        assertThat(tries.get(first.id())).hasValue(6);
        assertThat(deadLettersCounted(EventConsumerLoop.FAILED)).isZero();
        await().atMost(WAIT).until(() -> committed() == 2);
    }

    @Test
    void aRecordThatIsNotACloudEventIsDeadLetteredAtOnce() throws Exception {
        CloudEvent after = event();
        String marker = "not-an-event-" + UUID.randomUUID();
        try (EventTap deadLetters = EventTap.open(Topics.CONSUMER_DEAD_LETTER)) {
            loop = start(event -> {});
            EventTap.publish(new ProducerRecord<>(topic, "acc_loop_it", marker.getBytes(StandardCharsets.UTF_8)));
            publish(after);

            await().atMost(WAIT).until(() -> applied.contains(after.id()));

            ConsumerRecord<String, byte[]> letter = await().atMost(WAIT)
                    .until(
                            () -> deadLetters.records().stream()
                                    .filter(r -> new String(r.value(), StandardCharsets.UTF_8).equals(marker))
                                    .findFirst(),
                            Optional::isPresent)
                    .orElseThrow();
            assertThat(EventTap.header(letter, "dlq_reason")).isEqualTo(EventConsumerLoop.MALFORMED);
            assertThat(EventTap.header(letter, "dlq_offset")).isEqualTo("0");
            assertThat(deadLettersCounted(EventConsumerLoop.MALFORMED)).isEqualTo(1.0);
        }
    }

    @Test
    void aLoopStartedAgainInTheSameGroupGoesOnAfterTheLastAppliedEvent() throws Exception {
        CloudEvent first = event();
        CloudEvent second = event();
        loop = start(event -> {});
        publish(first, second);
        await().atMost(WAIT).until(() -> applied.size() == 2);
        loop.stop();

        CloudEvent third = event();
        publish(third);
        loop = start(event -> {});

        await().atMost(WAIT).until(() -> applied.size() == 3);
        assertThat(applied).containsExactly(first.id(), second.id(), third.id());
    }

    @Test
    void noEventIsLostWhenPartitionsMoveToAnotherConsumerWhileOneWaitsToRetry() {
        CloudEvent stuck = event();
        // the stuck event fails five times wherever it is tried; the first loop waits between tries polling with
        // its partitions paused, while a second loop joins the group and the partitions are shared out anew (the
        // stuck event's partition may move to the second loop, which then goes on retrying it)
        Consumer<CloudEvent> failingFiveTimes = event -> {
            if (event.id().equals(stuck.id()) && tries.get(stuck.id()).get() <= 5) {
                throw new UncheckedIOException(new ConnectException("Connection refused"));
            }
        };
        loop = start(failingFiveTimes, Duration.ofMillis(500));
        publish(stuck);
        await().atMost(WAIT).until(() -> tries.containsKey(stuck.id()));
        List<CloudEvent> spread = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            spread.add(event("acc_loop_it_" + i));
        }
        publish(spread.toArray(CloudEvent[]::new));
        second = start(failingFiveTimes, Duration.ofMillis(500));

        await().atMost(WAIT).until(() -> applied.contains(stuck.id()));
        await().atMost(WAIT)
                .until(() ->
                        applied.containsAll(spread.stream().map(CloudEvent::id).toList()));
        // applied only once it had failed five times: a retry was never taken for a success
        assertThat(tries.get(stuck.id()).get()).isGreaterThanOrEqualTo(6);
        assertThat(deadLettersCounted(EventConsumerLoop.FAILED)).isZero();
    }

    private EventConsumerLoop start(Consumer<CloudEvent> handler) {
        return start(handler, Duration.ofMillis(20));
    }

    private EventConsumerLoop start(Consumer<CloudEvent> handler, Duration firstBackoff) {
        return EventConsumerLoop.builder("loop-it")
                .kafka(Map.of("bootstrap.servers", broker.bootstrapServers()))
                .group(group)
                .topics(List.of(topic))
                .backoff(firstBackoff, firstBackoff.multipliedBy(5))
                .metrics(meters)
                .handler(event -> {
                    tries.computeIfAbsent(event.id(), id -> new AtomicInteger()).incrementAndGet();
                    handler.accept(event);
                    applied.add(event.id());
                })
                .build()
                .start();
    }

    /** Events of one account: one key, one partition, one order. */
    private static CloudEvent event() {
        return event("acc_loop_it");
    }

    private static CloudEvent event(String accountId) {
        return CloudEvent.builder(EventType.COMMAND_REVOKE_DEVICE)
                .source("/platform-testing")
                .accountId(accountId)
                .actor("svc:audit-service")
                .subject("dev_" + UUID.randomUUID())
                .data("device_id", "dev_" + UUID.randomUUID())
                .build();
    }

    private void publish(CloudEvent... events) {
        for (CloudEvent event : events) {
            EventTap.publish(KafkaCloudEvents.toRecord(topic, event));
        }
    }

    private static ConsumerRecord<String, byte[]> deadLetter(EventTap tap, String eventId) {
        return await().atMost(WAIT)
                .until(
                        () -> tap.records().stream()
                                .filter(r -> eventId.equals(EventTap.header(r, "ce_id")))
                                .findFirst(),
                        Optional::isPresent)
                .orElseThrow();
    }

    private double deadLettersCounted(String reason) {
        return meters.get(MetricNames.CONSUMER_DEAD_LETTERS)
                .tag("consumer", "loop-it")
                .tag("reason", reason)
                .counter()
                .count();
    }

    /** The group's committed offset summed over the topic's partitions. */
    private long committed() throws Exception {
        try (var admin = broker.admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            return offsets.entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset())
                    .sum();
        }
    }
}
