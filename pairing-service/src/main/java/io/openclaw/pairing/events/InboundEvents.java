package io.openclaw.pairing.events;

import io.micrometer.core.instrument.MeterRegistry;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.Topics;
import io.openclaw.events.consume.EventConsumerLoop;
import io.openclaw.pairing.account.DeviceScopeCatalog;
import io.openclaw.pairing.bruteforce.IpBlocks;
import io.openclaw.pairing.config.PairingConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Consumes {@code block_ip} commands from {@code openclaw.security.commands} and account events from
 * {@code openclaw.key.events}. Offsets are committed only after an event was applied; a failure (Redis
 * down) rewinds to the event and retries it, so nothing is lost; redeliveries are dropped by event id. An
 * event that fails for good goes to the consumer dead-letter topic (see {@link EventConsumerLoop}).
 */
@ApplicationScoped
public class InboundEvents {

    private final IpBlocks blocks;
    private final DeviceScopeCatalog catalog;
    private final PairingConfig.Inbound config;
    private final MeterRegistry meters;
    private final Map<String, Object> kafka;
    private EventConsumerLoop loop;

    public InboundEvents(
            IpBlocks blocks,
            DeviceScopeCatalog catalog,
            PairingConfig config,
            MeterRegistry meters,
            @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.blocks = blocks;
        this.catalog = catalog;
        this.config = config.inbound();
        this.meters = meters;
        this.kafka = Map.copyOf(kafka);
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        loop = EventConsumerLoop.builder("pairing-service-inbound")
                .kafka(kafka)
                .group(config.groupId())
                .topics(List.of(Topics.SECURITY_COMMANDS, Topics.KEY_EVENTS))
                .handler(this::handle)
                .metrics(meters)
                .build()
                .start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.stop();
        }
    }

    /** Applies one event; other event types are not pairing-service's. */
    void handle(CloudEvent event) {
        Optional<EventType> type = event.eventType();
        if (type.isEmpty()) {
            return;
        }
        switch (type.get()) {
            case COMMAND_BLOCK_IP -> blocks.apply(event);
            case ACCOUNT_CREATED -> catalog.learn(event);
            default -> {
                // not ours
            }
        }
    }
}
