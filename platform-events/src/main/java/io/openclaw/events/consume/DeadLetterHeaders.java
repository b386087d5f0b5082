package io.openclaw.events.consume;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers of a dead letter, in both dead-letter topics: the original record's headers, then why it was
 * set aside ({@code dlq_reason}, {@code dlq_detail}, at most 500 characters) and where it came from
 * ({@code dlq_topic}, {@code dlq_partition}, {@code dlq_offset}).
 */
public final class DeadLetterHeaders {

    private static final int MAX_DETAIL = 500;

    private DeadLetterHeaders() {}

    public static RecordHeaders of(ConsumerRecord<?, ?> record, String reason, String detail) {
        RecordHeaders headers = new RecordHeaders();
        record.headers().forEach(header -> headers.add(header.key(), header.value()));
        String text = detail == null ? "" : detail;
        add(headers, "dlq_reason", reason);
        add(headers, "dlq_detail", text.length() > MAX_DETAIL ? text.substring(0, MAX_DETAIL) : text);
        add(headers, "dlq_topic", record.topic());
        add(headers, "dlq_partition", String.valueOf(record.partition()));
        add(headers, "dlq_offset", String.valueOf(record.offset()));
        return headers;
    }

    static void add(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
