package io.openclaw.events.delivery;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The settings every producer of the platform starts from: each {@code kafka.*} setting of the service
 * (bootstrap servers, {@code security.protocol}, {@code sasl.*}, {@code ssl.*}), then delivery that loses
 * nothing and duplicates nothing on a retry ({@code acks=all}, idempotent), and LZ4-compressed batches.
 *
 * <p>Compression is for the broker: it appends, stores and serves a batch's bytes, and CloudEvents in JSON
 * compress to about a quarter. Measured with {@code ./platform bench audit}: LZ4 on the load generator's
 * producer and audit-service's SIEM relay cut the machine's CPU per stored event from 140 to 105 µs, most of
 * it the broker's buffered writes; compressing and decompressing cost the clients little (LZ4).
 */
public final class ProducerSettings {

    /** The compression codec of every producer. */
    public static final String COMPRESSION = "lz4";

    private ProducerSettings() {}

    /**
     * The service's {@code kafka} settings (entries with a null value are left out) with the platform's
     * delivery settings on top and {@code client.id} set; the caller adds its own linger, batch and timeouts.
     */
    public static Map<String, Object> reliable(Map<String, ?> kafka, String clientId) {
        Map<String, Object> settings = new HashMap<>();
        kafka.forEach((key, value) -> {
            if (value != null) {
                settings.put(key, value);
            }
        });
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, COMPRESSION);
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, Objects.requireNonNull(clientId, "clientId"));
        return settings;
    }
}
