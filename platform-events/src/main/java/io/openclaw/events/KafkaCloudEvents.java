package io.openclaw.events;

import io.openclaw.events.CloudEventJson.MalformedEventException;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * CloudEvents Kafka protocol binding, binary content mode: attributes in {@code ce_*} headers, data as
 * the value, the record key is the event's partition key.
 */
public final class KafkaCloudEvents {

    public static final String CONTENT_TYPE = "content-type";

    private KafkaCloudEvents() {}

    /** A record for the event's own topic. */
    public static ProducerRecord<String, byte[]> toRecord(CloudEvent event) {
        String topic = event.eventType()
                .map(EventType::topic)
                .orElseThrow(() -> new IllegalArgumentException("unknown event type " + event.type()));
        return toRecord(topic, event);
    }

    public static ProducerRecord<String, byte[]> toRecord(String topic, CloudEvent event) {
        return new ProducerRecord<>(topic, null, event.partitionKey(), CloudEventJson.dataBytes(event), headers(event));
    }

    public static Headers headers(CloudEvent event) {
        RecordHeaders headers = new RecordHeaders();
        put(headers, "ce_specversion", CloudEvent.SPEC_VERSION);
        put(headers, "ce_id", event.id());
        put(headers, "ce_source", event.source());
        put(headers, "ce_type", event.type());
        put(headers, "ce_time", event.time().toString());
        if (event.subject() != null) {
            put(headers, "ce_subject", event.subject());
        }
        put(headers, "ce_partitionkey", event.partitionKey());
        if (event.traceparent() != null) {
            put(headers, "ce_traceparent", event.traceparent());
        }
        put(headers, CONTENT_TYPE, CloudEvent.DATA_CONTENT_TYPE);
        return headers;
    }

    /** Reads a binary-mode record. Throws {@link MalformedEventException} for anything else. */
    public static CloudEvent fromRecord(ConsumerRecord<String, byte[]> record) {
        return fromParts(record.headers(), record.key(), record.value());
    }

    public static CloudEvent fromParts(Headers headers, String key, byte[] value) {
        CloudEventJson.requireSpecVersion(header(headers, "ce_specversion"));
        String time = required(headers, "ce_time");
        try {
            String partitionKey = header(headers, "ce_partitionkey");
            return withoutNul(new CloudEvent(
                    required(headers, "ce_id"),
                    required(headers, "ce_source"),
                    required(headers, "ce_type"),
                    EventTime.parse(time),
                    header(headers, "ce_subject"),
                    partitionKey != null ? partitionKey : key != null ? key : CloudEvent.NO_ACCOUNT,
                    CloudEventJson.parseData(value),
                    header(headers, "ce_traceparent")));
        } catch (DateTimeParseException e) {
            throw new MalformedEventException("ce_time is not an RFC 3339 timestamp", e);
        }
    }

    /**
     * The event, unless a top-level data field holds U+0000 (headers are checked as they are read): consumers
     * store those values in PostgreSQL text columns, which cannot hold it, so such an event could never be
     * handled and would be retried for ever. Nested data is left as it is (it is stored as escaped JSON).
     */
    private static CloudEvent withoutNul(CloudEvent event) {
        for (Map.Entry<String, Object> field : event.data().entrySet()) {
            if (field.getValue() instanceof String s && s.indexOf('\u0000') >= 0) {
                throw new MalformedEventException("data field '" + field.getKey() + "' holds a NUL character");
            }
        }
        return event;
    }

    private static void put(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String required(Headers headers, String name) {
        String value = header(headers, name);
        if (value == null || value.isEmpty()) {
            throw new MalformedEventException("CloudEvent header '" + name + "' is missing");
        }
        return value;
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        if (header == null || header.value() == null) {
            return null;
        }
        String value = new String(header.value(), StandardCharsets.UTF_8);
        if (value.indexOf('\u0000') >= 0) {
            throw new MalformedEventException("CloudEvent header '" + name + "' holds a NUL character");
        }
        return value;
    }
}
