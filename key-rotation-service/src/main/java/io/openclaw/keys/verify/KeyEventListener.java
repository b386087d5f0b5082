package io.openclaw.keys.verify;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventFields;
import io.openclaw.events.EventType;
import io.openclaw.events.Topics;
import io.openclaw.keys.support.EventConsumerLoop;
import io.openclaw.keys.support.KafkaClientConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Every replica reads the service's own key events (its own consumer group, from the end) and drops the
 * affected key from its verification cache, so a revoked key stops verifying everywhere within a poll.
 */
@ApplicationScoped
public class KeyEventListener {

    private static final Set<String> INVALIDATING = Set.of(
            EventType.KEY_REVOKED.type(),
            EventType.KEY_ROTATED.type(),
            EventType.KEY_UPDATED.type(),
            EventType.KEY_SUSPENDED.type(),
            EventType.KEY_RETIRED.type(),
            EventType.KEY_EXPIRED.type(),
            EventType.KEY_LEAKED.type());

    private final VerificationCache cache;
    private final KafkaClientConfig kafka;
    private EventConsumerLoop loop;

    public KeyEventListener(VerificationCache cache, KafkaClientConfig kafka) {
        this.cache = cache;
        this.kafka = kafka;
    }

    void start(@Observes StartupEvent event) {
        loop = new EventConsumerLoop(
                        "key-cache-invalidation",
                        kafka,
                        "key-rotation-cache-" + UUID.randomUUID(),
                        "latest",
                        List.of(Topics.KEY_EVENTS),
                        this::onEvent)
                .start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.stop();
        }
    }

    void onEvent(CloudEvent event) {
        if (INVALIDATING.contains(event.type())) {
            String keyId = event.string(EventFields.KEY_ID);
            if (keyId != null) {
                cache.invalidateKey(keyId);
            }
        }
    }
}
