package io.openclaw.audit.detection;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.openclaw.audit.config.AuditConfig;
import io.openclaw.events.MetricNames;
import io.openclaw.events.Topics;
import io.quarkus.kafka.client.serialization.ObjectMapperSerde;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The Kafka Streams topology that runs the detection rules: events from the four source topics become
 * observations keyed by what each rule counts per (IP, network, account, key, actor), are repartitioned by
 * that key, and meet their rule's state in a persistent store. Alerts go to {@code openclaw.security.alerts},
 * commands to {@code openclaw.security.commands}.
 */
@ApplicationScoped
public class DetectionTopology {

    /** The topics the rules read. */
    public static final List<String> SOURCES =
            List.of(Topics.PAIRING_EVENTS, Topics.TOKEN_EVENTS, Topics.KEY_EVENTS, Topics.KEY_USAGE);

    private static final String ALERT_PREFIX = "io.openclaw.alert.";

    private final AuditConfig config;
    private final Clock clock;
    private final MeterRegistry registry;

    public DetectionTopology(AuditConfig config, Clock clock, MeterRegistry registry) {
        this.config = config;
        this.clock = clock;
        this.registry = registry;
    }

    @Produces
    Topology topology() {
        Map<String, Counter> counters = new ConcurrentHashMap<>();
        AlertRaised raised = (rule, severity) -> counters.computeIfAbsent(
                        rule + "|" + severity, k -> Counter.builder(MetricNames.ALERTS_RAISED)
                                .description("Alerts raised by the detection rules (after de-duplication)")
                                .tag("rule", rule)
                                .tag("severity", severity)
                                .register(registry))
                .increment();
        return build(config.rules(), clock, SOURCES, Topics.SECURITY_ALERTS, Topics.SECURITY_COMMANDS, raised);
    }

    /** Told of every alert the rules raise, once, after de-duplication. */
    @FunctionalInterface
    public interface AlertRaised {
        void raised(String rule, String severity);
    }

    /** The topology over the given topics (tests use their own). */
    public static Topology build(
            AuditConfig.Rules rules, Clock clock, List<String> sources, String alertsTopic, String commandsTopic) {
        return build(rules, clock, sources, alertsTopic, commandsTopic, (rule, severity) -> {});
    }

    /**
     * The topology over the given topics. The state stores are cached: repeated updates of a key between two
     * commits reach the changelog topic once ({@code statestore.cache.max.bytes}), which cuts the broker
     * writes of busy keys; nothing is forwarded from the stores, so the cache never delays an alert.
     */
    public static Topology build(
            AuditConfig.Rules rules,
            Clock clock,
            List<String> sources,
            String alertsTopic,
            String commandsTopic,
            AlertRaised raised) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(DetectionProcessor.STATE),
                        Serdes.String(),
                        new ObjectMapperSerde<>(RuleState.class))
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(DetectionProcessor.DEDUP), Serdes.String(), Serdes.Long())
                .withCachingEnabled());
        builder.stream(sources, Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .process(() -> new ObservationExtractor(rules))
                .repartition(Repartitioned.with(Serdes.String(), new ObjectMapperSerde<>(Observation.class))
                        .withName("observations"))
                .process(
                        () -> new DetectionProcessor(rules, clock, raised),
                        DetectionProcessor.STATE,
                        DetectionProcessor.DEDUP)
                .to(
                        (key, value, context) -> isAlert(context.headers()) ? alertsTopic : commandsTopic,
                        Produced.with(Serdes.String(), Serdes.ByteArray()));
        return builder.build();
    }

    private static boolean isAlert(Headers headers) {
        Header type = headers.lastHeader("ce_type");
        return type != null && new String(type.value(), StandardCharsets.UTF_8).startsWith(ALERT_PREFIX);
    }
}
