package io.openclaw.audit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.UUID;

/** Gives each test run of the application its own Kafka Streams state directory and application id. */
public class DetectionStateResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        try {
            return Map.of(
                    "kafka-streams.state.dir",
                    Files.createTempDirectory("audit-streams-").toString(),
                    "quarkus.kafka-streams.application-id",
                    "openclaw-audit-detection-" + UUID.randomUUID());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // the directory is in the temporary file system
    }
}
