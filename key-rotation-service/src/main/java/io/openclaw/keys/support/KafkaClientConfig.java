package io.openclaw.keys.support;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;

/**
 * Every {@code kafka.*} property (bootstrap servers, and in Kubernetes {@code security.protocol}, {@code sasl.*}
 * and {@code ssl.*}) as Kafka client configuration, so the service's hand-built producer and consumers connect
 * like any Quarkus Kafka client. Quarkus collects them as the {@code default-kafka-broker} map; each client
 * merges its own settings over them.
 */
@ApplicationScoped
public class KafkaClientConfig {

    private final Map<String, Object> common;

    public KafkaClientConfig(@Identifier("default-kafka-broker") Map<String, Object> broker) {
        Map<String, Object> values = new HashMap<>();
        broker.forEach((name, value) -> {
            if (value != null) {
                values.put(name, value);
            }
        });
        this.common = Map.copyOf(values);
    }

    /** The common settings plus the client's own. */
    public Map<String, Object> with(Map<String, Object> own) {
        Map<String, Object> merged = new HashMap<>(common);
        merged.putAll(own);
        return merged;
    }

    /** The common settings alone (what every client of the service shares). */
    public Map<String, Object> common() {
        return common;
    }

    public String bootstrapServers() {
        return String.valueOf(common.get("bootstrap.servers"));
    }
}
