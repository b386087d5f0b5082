package io.openclaw.events.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class ProducerSettingsTest {

    @Test
    void theServicesConnectionSettingsAreKeptAndDeliveryIsAcknowledgedIdempotentAndCompressed() {
        Map<String, Object> kafka = new HashMap<>();
        kafka.put("bootstrap.servers", "kafka:9093");
        kafka.put("security.protocol", "SASL_SSL");
        kafka.put("sasl.jaas.config", null);
        // a service setting cannot weaken what the platform relies on
        kafka.put("acks", "1");
        kafka.put("enable.idempotence", false);
        kafka.put("compression.type", "none");

        Map<String, Object> settings = ProducerSettings.reliable(kafka, "token-service-outbox");

        assertThat(settings)
                .containsEntry("bootstrap.servers", "kafka:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .doesNotContainKey("sasl.jaas.config")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
                .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "token-service-outbox");
        assertThat(ProducerConfig.configNames()).containsAll(settings.keySet());
    }
}
