package io.openclaw.audit.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.KafkaCloudEvents;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class OutboxBatchTest {

    @Test
    void recordsSurviveTheOutboxRowByteForByte() {
        CloudEvent event = CloudEvent.builder(EventType.AUDIT_RECORDED)
                .source("/audit-service")
                .time(Instant.parse("2026-11-21T12:00:00Z"))
                .accountId("acc_b1")
                .actor("svc:audit-service")
                .subject("evt_1")
                .data("event_id", "evt_1")
                .data("event_type", "io.openclaw.key.rejected")
                .data("hash", "a".repeat(64))
                .data("prev_hash", "0".repeat(64))
                .traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .build();
        ProducerRecord<String, byte[]> cloudEvent = KafkaCloudEvents.toRecord("openclaw.audit.log", event);
        ProducerRecord<String, byte[]> bare =
                new ProducerRecord<>("t", null, (String) null, (byte[]) null, new RecordHeaders());

        List<ProducerRecord<String, byte[]>> decoded =
                OutboxBatch.decode(OutboxBatch.encode(List.of(cloudEvent, bare)));

        assertThat(decoded).hasSize(2);
        ProducerRecord<String, byte[]> first = decoded.get(0);
        assertThat(first.topic()).isEqualTo("openclaw.audit.log");
        assertThat(first.key()).isEqualTo(cloudEvent.key());
        assertThat(first.value()).isEqualTo(cloudEvent.value());
        assertThat(first.headers().toArray()).hasSameSizeAs(cloudEvent.headers().toArray());
        for (Header h : cloudEvent.headers()) {
            assertThat(first.headers().lastHeader(h.key()).value()).isEqualTo(h.value());
        }
        CloudEvent back = KafkaCloudEvents.fromParts(first.headers(), first.key(), first.value());
        assertThat(back).isEqualTo(event);
        assertThat(new String(first.headers().lastHeader("ce_traceparent").value(), StandardCharsets.UTF_8))
                .isEqualTo(event.traceparent());
        assertThat(decoded.get(1).key()).isNull();
        assertThat(decoded.get(1).value()).isNull();
        assertThat(decoded.get(1).topic()).isEqualTo("t");
    }
}
