package io.openclaw.events.consume;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.KafkaCloudEvents;
import io.openclaw.events.MetricNames;
import io.openclaw.events.Topics;
import io.openclaw.events.delivery.ProducerSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * A Kafka consumer on its own thread that hands each CloudEvent of its topics to a handler, in order per
 * partition, and commits a record's offset only after the handler returned: a crash redelivers, so handlers
 * are idempotent on the event id.
 *
 * <p>When the handler fails, the record is retried with a growing pause (from {@link Builder#backoff}'s first
 * value, doubling up to its second), for as long as the failure is transient — a store or the network down.
 * A failure that retrying cannot cure ({@link Failures#isPermanent}: a value the database refuses, a bug) is
 * retried {@link Builder#attempts} times in all, then the record is sent to {@code
 * openclaw.consumer.dead-letter} and the consumer moves on, so one bad record cannot hold back every record
 * behind it (a revocation, say). A record that is not a CloudEvent goes there at once. Dead letters carry the
 * original key, value and headers plus {@code dlq_*} headers saying which consumer gave up, why, and where the
 * record came from, and are counted in {@code openclaw.consumer.dead.letters}.
 */
public final class EventConsumerLoop {

    private static final Logger LOG = Logger.getLogger(EventConsumerLoop.class);

    /** Why a record was given up on ({@code dlq_reason}). */
    public static final String MALFORMED = "malformed";

    public static final String FAILED = "failed";

    private final String name;
    private final String group;
    private final Map<String, Object> kafka;
    private final Consumer<CloudEvent> handler;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final int attempts;
    private final MeterRegistry registry;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;
    private KafkaProducer<String, byte[]> deadLetters;

    /** The record that failed last, and how often in a row. */
    private TopicPartition failing;

    private long failingOffset = -1;
    private int failures;

    private EventConsumerLoop(Builder builder) {
        this.name = builder.name;
        this.group = Objects.requireNonNull(builder.group, "group");
        this.kafka = new HashMap<>();
        builder.kafka.forEach((key, value) -> {
            if (value != null) {
                kafka.put(key, value);
            }
        });
        this.handler = Objects.requireNonNull(builder.handler, "handler");
        this.firstBackoff = builder.firstBackoff;
        this.maxBackoff = builder.maxBackoff;
        this.attempts = builder.attempts;
        this.registry = builder.registry;
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, builder.offsetReset);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, builder.maxPollRecords);
        this.consumer = new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer());
        this.consumer.subscribe(List.copyOf(builder.topics));
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
        if (registry != null) {
            counter(MALFORMED);
            counter(FAILED);
        }
    }

    /** A loop named {@code name} (its thread and Kafka client id). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    public EventConsumerLoop start() {
        thread.start();
        return this;
    }

    /** Stops polling (a pause between retries ends at once) and waits for the thread to close the consumer. */
    public void stop() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        int errors = 0;
        try {
            while (running) {
                try {
                    ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                    if (!records.isEmpty()) {
                        process(records);
                    }
                    errors = 0;
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // a commit refused after a rebalance, a broker not answering: the uncommitted records come
                    // again (here or to the partition's new owner); the loop goes on after a pause
                    errors++;
                    LOG.warnf("%s: polling failed (%s); going on", name, Failures.describe(e));
                    sleep(backoff(errors));
                }
            }
        } catch (WakeupException e) {
            // stopping
        } finally {
            consumer.close(Duration.ofSeconds(2));
            if (deadLetters != null) {
                deadLetters.close(Duration.ofSeconds(2));
            }
        }
    }

    private void process(ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                if (!apply(partition, record)) {
                    rewind(records, done);
                    commit(done);
                    pause();
                    return;
                }
                done.put(partition, new OffsetAndMetadata(record.offset() + 1));
            }
        }
        commit(done);
    }

    /** Applies or dead-letters the record; false when it is to be tried again after a pause. */
    private boolean apply(TopicPartition partition, ConsumerRecord<String, byte[]> record) {
        CloudEvent event;
        try {
            event = KafkaCloudEvents.fromRecord(record);
        } catch (IllegalArgumentException e) {
            return deadLetter(record, MALFORMED, e.getClass().getName());
        }
        try {
            handler.accept(event);
            failing = null;
            failures = 0;
            return true;
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            boolean again = partition.equals(failing) && record.offset() == failingOffset;
            failures = again ? failures + 1 : 1;
            failing = partition;
            failingOffset = record.offset();
            String what = Failures.describe(e);
            if (Failures.isPermanent(e) && failures >= attempts) {
                LOG.errorf(
                        "%s: event %s at %s@%d failed %d times (%s); sending it to %s",
                        name, event.id(), partition, record.offset(), failures, what, Topics.CONSUMER_DEAD_LETTER);
                return deadLetter(record, FAILED, what);
            }
            LOG.warnf(
                    "%s: event %s at %s@%d failed (attempt %d, %s); retrying",
                    name, event.id(), partition, record.offset(), failures, what);
            return false;
        }
    }

    /** Sends the record to the dead-letter topic; false (retry later) when the broker did not take it. */
    private boolean deadLetter(ConsumerRecord<String, byte[]> record, String reason, String detail) {
        RecordHeaders headers = DeadLetterHeaders.of(record, reason, detail);
        DeadLetterHeaders.add(headers, "dlq_consumer", group);
        try {
            producer()
                    .send(new ProducerRecord<>(
                            Topics.CONSUMER_DEAD_LETTER, null, record.key(), record.value(), headers))
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
            return false;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warnf(
                    "%s: could not dead-letter %s-%d@%d (%s); retrying",
                    name, record.topic(), record.partition(), record.offset(), Failures.describe(e));
            return false;
        }
        LOG.warnf("%s: dead-lettered %s-%d@%d: %s", name, record.topic(), record.partition(), record.offset(), reason);
        if (registry != null) {
            counter(reason).increment();
        }
        failing = null;
        failures = 0;
        return true;
    }

    private KafkaProducer<String, byte[]> producer() {
        if (deadLetters == null) {
            Map<String, Object> settings = ProducerSettings.reliable(kafka, name + "-dead-letters");
            deadLetters = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
        }
        return deadLetters;
    }

    private Counter counter(String reason) {
        return Counter.builder(MetricNames.CONSUMER_DEAD_LETTERS)
                .description("Consumed records given up on and sent to the dead-letter topic, by consumer and reason")
                .tag("consumer", name)
                .tag("reason", reason)
                .register(registry);
    }

    /** Every partition of the batch goes back to its first record not yet applied. */
    private void rewind(ConsumerRecords<String, byte[]> records, Map<TopicPartition, OffsetAndMetadata> done) {
        for (TopicPartition partition : records.partitions()) {
            OffsetAndMetadata applied = done.get(partition);
            consumer.seek(
                    partition,
                    applied == null ? records.records(partition).get(0).offset() : applied.offset());
        }
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
        }
    }

    /**
     * Waits before the failed record is tried again, polling with every partition paused so the group keeps
     * the consumer (and {@link #stop()} wakes it).
     */
    private void pause() {
        Duration wait = backoff(failures);
        consumer.pause(consumer.assignment());
        long until = System.nanoTime() + wait.toNanos();
        for (long left = wait.toNanos(); left > 0 && running; left = until - System.nanoTime()) {
            ConsumerRecords<String, byte[]> unwanted = consumer.poll(Duration.ofNanos(left));
            // a partition assigned by a rebalance during the pause is not paused: put its records back
            for (TopicPartition partition : unwanted.partitions()) {
                consumer.seek(partition, unwanted.records(partition).get(0).offset());
                consumer.pause(List.of(partition));
            }
        }
        consumer.resume(consumer.paused());
    }

    /** The first pause after one failure, doubled for each further one in a row, at most the longest. */
    private Duration backoff(int inARow) {
        long millis = firstBackoff.toMillis() << Math.min(Math.max(inARow, 1) - 1, 20);
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }

    private void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** What the loop consumes and what it does with each event. */
    public static final class Builder {

        private final String name;
        private String group;
        private Map<String, Object> kafka = Map.of();
        private List<String> topics = List.of();
        private String offsetReset = "earliest";
        private int maxPollRecords = 200;
        private Consumer<CloudEvent> handler;
        private Duration firstBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private int attempts = 3;
        private MeterRegistry registry;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** Every {@code kafka.*} setting of the service (bootstrap servers, security); the loop adds its own. */
        public Builder kafka(Map<String, Object> settings) {
            this.kafka = settings;
            return this;
        }

        public Builder group(String groupId) {
            this.group = groupId;
            return this;
        }

        public Builder topics(List<String> topics) {
            this.topics = topics;
            return this;
        }

        /** Where a new group starts: {@code earliest} (the default) or {@code latest}. */
        public Builder offsetReset(String offsetReset) {
            this.offsetReset = offsetReset;
            return this;
        }

        public Builder maxPollRecords(int maxPollRecords) {
            this.maxPollRecords = maxPollRecords;
            return this;
        }

        /** Applies one event; throws to have it retried (or, for a permanent failure, dead-lettered). */
        public Builder handler(Consumer<CloudEvent> handler) {
            this.handler = handler;
            return this;
        }

        /** The pause after a record's first failure, doubled after each further one up to {@code max}. */
        public Builder backoff(Duration first, Duration max) {
            this.firstBackoff = first;
            this.maxBackoff = max;
            return this;
        }

        /** How often a record that fails permanently is tried before it is dead-lettered (at least 1). */
        public Builder attempts(int attempts) {
            this.attempts = Math.max(1, attempts);
            return this;
        }

        /** Where the dead-letter counter is registered; none, no counter. */
        public Builder metrics(MeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        public EventConsumerLoop build() {
            return new EventConsumerLoop(this);
        }
    }
}
