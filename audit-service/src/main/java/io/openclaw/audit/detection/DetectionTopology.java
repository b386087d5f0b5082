package io.openclaw.audit.detection;

import io.openclaw.audit.config.AuditConfig;
import io.openclaw.events.Topics;
import io.quarkus.kafka.client.serialization.ObjectMapperSerde;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
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

    public DetectionTopology(AuditConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    @Produces
    Topology topology() {
        return build(config.rules(), clock, SOURCES, Topics.SECURITY_ALERTS, Topics.SECURITY_COMMANDS);
    }

    /** The topology over the given topics (tests use their own). */
    public static Topology build(
            AuditConfig.Rules rules, Clock clock, List<String> sources, String alertsTopic, String commandsTopic) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DetectionProcessor.STATE),
                Serdes.String(),
                new ObjectMapperSerde<>(RuleState.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DetectionProcessor.DEDUP), Serdes.String(), Serdes.Long()));
        builder.stream(sources, Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .process(() -> new ObservationExtractor(rules))
                .repartition(Repartitioned.with(Serdes.String(), new ObjectMapperSerde<>(Observation.class))
                        .withName("observations"))
                .process(() -> new DetectionProcessor(rules, clock), DetectionProcessor.STATE, DetectionProcessor.DEDUP)
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
