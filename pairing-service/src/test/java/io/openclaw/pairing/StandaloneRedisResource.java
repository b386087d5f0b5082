package io.openclaw.pairing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Points the service at a private Redis that the test may stop. */
public class StandaloneRedisResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        int port = StandaloneRedis.start();
        return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + port, "quarkus.redis.devservices.enabled", "false");
    }

    @Override
    public void stop() {
        StandaloneRedis.stop();
    }
}
