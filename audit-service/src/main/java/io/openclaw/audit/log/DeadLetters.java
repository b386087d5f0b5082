package io.openclaw.audit.log;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.openclaw.events.MetricNames;
import io.openclaw.events.Topics;
import io.openclaw.events.consume.DeadLetterHeaders;
import io.quarkus.logging.Log;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Sends records the audit log cannot store to {@code openclaw.audit.dead-letter}, with why and where they
 * came from in {@code dlq_*} headers, and counts them in {@code openclaw.audit.dead.letters}
 * (Prometheus: {@code openclaw_audit_dead_letters_total}). A record whose
 * data looks like it carries a secret is forwarded without its value.
 */
public final class DeadLetters {

    private final Producer<String, byte[]> producer;
    private final MeterRegistry registry;
    private final List<Future<RecordMetadata>> pending = new ArrayList<>();

    public DeadLetters(Producer<String, byte[]> producer, MeterRegistry registry) {
        this.producer = producer;
        this.registry = registry;
        for (String reason : List.of("malformed", "unknown_type", "schema_violation", "secret_suspected")) {
            counter(reason);
        }
    }

    private Counter counter(String reason) {
        return Counter.builder(MetricNames.AUDIT_DEAD_LETTERS)
                .description("Events sent to the dead-letter topic, by reason")
                .tag("reason", reason)
                .register(registry);
    }

    public void send(ConsumerRecord<String, byte[]> record, String reason, String detail) {
        RecordHeaders headers = DeadLetterHeaders.of(record, reason, detail);
        byte[] value = "secret_suspected".equals(reason) ? null : record.value();
        pending.add(producer.send(new ProducerRecord<>(Topics.AUDIT_DEAD_LETTER, null, record.key(), value, headers)));
        counter(reason).increment();
        Log.warnf("dead-lettered %s/%d@%d: %s", record.topic(), record.partition(), record.offset(), reason);
    }

    /** Waits until every dead letter sent so far is acknowledged by the broker. */
    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        producer.flush();
        try {
            for (Future<RecordMetadata> f : pending) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending dead letters", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("dead letters were not acknowledged", e.getCause());
        } finally {
            pending.clear();
        }
    }
}
