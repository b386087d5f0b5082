package io.openclaw.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a Quarkus application under test at the shared real Kafka broker (see {@link KafkaBroker#shared()}).
 * Use with {@code @QuarkusTestResource(KafkaResource.class)} (or {@code @WithTestResource}).
 */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        String servers = KafkaBroker.shared().bootstrapServers();
        return Map.of("kafka.bootstrap.servers", servers, "quarkus.kafka.devservices.enabled", "false");
    }

    @Override
    public void stop() {
        // the broker is shared by the whole test JVM and stopped when it exits
    }
}
