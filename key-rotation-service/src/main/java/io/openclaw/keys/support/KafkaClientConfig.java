package io.openclaw.keys.support;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.config.Config;

/**
 * Every {@code kafka.*} property (bootstrap servers, and in Kubernetes the SASL/TLS settings) as Kafka client
 * configuration, so the service's own producer and consumers connect like any Quarkus Kafka client.
 */
@ApplicationScoped
public class KafkaClientConfig {

    private static final String PREFIX = "kafka.";

    private final Map<String, Object> common;

    public KafkaClientConfig(Config config) {
        Map<String, Object> values = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(PREFIX)) {
                config.getOptionalValue(name, String.class)
                        .ifPresent(value -> values.put(name.substring(PREFIX.length()), value));
            }
        }
        if (!values.containsKey("bootstrap.servers")) {
            values.put("bootstrap.servers", config.getValue("kafka.bootstrap.servers", String.class));
        }
        this.common = Map.copyOf(values);
    }

    /** The common settings plus the client's own. */
    public Map<String, Object> with(Map<String, Object> own) {
        Map<String, Object> merged = new HashMap<>(common);
        merged.putAll(own);
        return merged;
    }

    public String bootstrapServers() {
        return String.valueOf(common.get("bootstrap.servers"));
    }
}
