package io.openclaw.keys.support;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.KafkaCloudEvents;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A Kafka consumer on its own thread that hands each CloudEvent to a handler and commits offsets only after
 * the handler returned, so a crash redelivers (handlers are idempotent on the event id). A handler failure
 * stops the batch without committing; the records are read again after a short pause.
 */
public final class EventConsumerLoop {

    private final String name;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Consumer<CloudEvent> handler;
    private volatile boolean running = true;
    private final Thread thread;

    public EventConsumerLoop(
            String name,
            KafkaClientConfig kafka,
            String groupId,
            String offsetReset,
            List<String> topics,
            Consumer<CloudEvent> handler) {
        Properties props = new Properties();
        props.putAll(kafka.with(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200",
                ConsumerConfig.CLIENT_ID_CONFIG, name)));
        this.name = name;
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.handler = handler;
        this.consumer.subscribe(topics);
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
    }

    public EventConsumerLoop start() {
        thread.start();
        return this;
    }

    public void stop() {
        running = false;
        consumer.wakeup();
    }

    private void loop() {
        try {
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                try {
                    for (ConsumerRecord<String, byte[]> record : records) {
                        CloudEvent event;
                        try {
                            event = KafkaCloudEvents.fromRecord(record);
                        } catch (IllegalArgumentException e) {
                            Log.warnf(
                                    "%s: skipping a malformed record at %s-%d@%d: %s",
                                    name, record.topic(), record.partition(), record.offset(), e.getMessage());
                            continue;
                        }
                        handler.accept(event);
                    }
                    if (!records.isEmpty()) {
                        consumer.commitSync();
                    }
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    Log.warnf("%s: handling failed, will read the batch again: %s", name, e.getMessage());
                    rewind(records);
                }
            }
        } catch (WakeupException e) {
            // stopping
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void rewind(ConsumerRecords<String, byte[]> records) {
        records.partitions().forEach(partition -> {
            long first = records.records(partition).get(0).offset();
            consumer.seek(partition, first);
        });
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
