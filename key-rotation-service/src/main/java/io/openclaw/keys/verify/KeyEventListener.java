package io.openclaw.keys.verify;

import io.micrometer.core.instrument.MeterRegistry;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventFields;
import io.openclaw.events.EventType;
import io.openclaw.events.Topics;
import io.openclaw.events.consume.EventConsumerLoop;
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
    private final MeterRegistry meters;
    private EventConsumerLoop loop;

    public KeyEventListener(VerificationCache cache, KafkaClientConfig kafka, MeterRegistry meters) {
        this.cache = cache;
        this.kafka = kafka;
        this.meters = meters;
    }

    void start(@Observes StartupEvent event) {
        loop = EventConsumerLoop.builder("key-cache-invalidation")
                .kafka(kafka.common())
                .group("key-rotation-cache-" + UUID.randomUUID())
                .offsetReset("latest")
                .topics(List.of(Topics.KEY_EVENTS))
                .handler(this::onEvent)
                .metrics(meters)
                .build()
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
