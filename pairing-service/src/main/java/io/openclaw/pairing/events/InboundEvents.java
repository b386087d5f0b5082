package io.openclaw.pairing.events;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.KafkaCloudEvents;
import io.openclaw.events.Topics;
import io.openclaw.pairing.account.DeviceScopeCatalog;
import io.openclaw.pairing.bruteforce.IpBlocks;
import io.openclaw.pairing.config.PairingConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Consumes {@code block_ip} commands from {@code openclaw.security.commands} and account events from
 * {@code openclaw.key.events}. Offsets are committed only after an event was applied; a failure (Redis
 * down) rewinds to the event and retries it, so nothing is lost; redeliveries are dropped by event id.
 */
@ApplicationScoped
public class InboundEvents {

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration BACKOFF = Duration.ofSeconds(1);

    private final IpBlocks blocks;
    private final DeviceScopeCatalog catalog;
    private final PairingConfig.Inbound config;
    private final Map<String, Object> kafka;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private Thread thread;

    public InboundEvents(
            IpBlocks blocks,
            DeviceScopeCatalog catalog,
            PairingConfig config,
            @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.blocks = blocks;
        this.catalog = catalog;
        this.config = config.inbound();
        this.kafka = Map.copyOf(kafka);
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        // every kafka.* setting (security.protocol, sasl.*, ssl.*), then what this consumer needs
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "pairing-service-inbound");
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
        consumer = new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer());
        running = true;
        thread = new Thread(this::run, "pairing-inbound-events");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try {
            consumer.subscribe(List.of(Topics.SECURITY_COMMANDS, Topics.KEY_EVENTS));
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
                if (!records.isEmpty()) {
                    process(records);
                }
            }
        } catch (WakeupException e) {
            // shutting down
        } catch (RuntimeException e) {
            Log.error("inbound event consumer stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void process(ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                try {
                    handle(record);
                    done.put(partition, new OffsetAndMetadata(record.offset() + 1));
                } catch (RuntimeException e) {
                    Log.warnf(
                            "could not apply %s-%d@%d (%s); retrying",
                            record.topic(), record.partition(), record.offset(), e.getMessage());
                    rewind(records, done);
                    commit(done);
                    backOff();
                    return;
                }
            }
        }
        commit(done);
    }

    /** Every partition of the batch goes back to its first record not yet applied. */
    private void rewind(ConsumerRecords<String, byte[]> records, Map<TopicPartition, OffsetAndMetadata> done) {
        for (TopicPartition partition : records.partitions()) {
            long first = records.records(partition).get(0).offset();
            OffsetAndMetadata applied = done.get(partition);
            consumer.seek(partition, applied == null ? first : applied.offset());
        }
    }

    /** Applies one record; malformed records and other event types are skipped. */
    void handle(ConsumerRecord<String, byte[]> record) {
        CloudEvent event;
        try {
            event = KafkaCloudEvents.fromRecord(record);
        } catch (IllegalArgumentException e) {
            Log.warnf(
                    "skipping a record that is not a CloudEvent at %s-%d@%d",
                    record.topic(), record.partition(), record.offset());
            return;
        }
        Optional<EventType> type = event.eventType();
        if (type.isEmpty()) {
            return;
        }
        switch (type.get()) {
            case COMMAND_BLOCK_IP -> blocks.apply(event);
            case ACCOUNT_CREATED -> catalog.learn(event);
            default -> {
                // not ours
            }
        }
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
        }
    }

    private void backOff() {
        var assigned = consumer.assignment();
        consumer.pause(assigned);
        consumer.poll(BACKOFF);
        consumer.resume(assigned);
    }
}
