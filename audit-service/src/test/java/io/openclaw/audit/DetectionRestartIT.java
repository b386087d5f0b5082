package io.openclaw.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openclaw.audit.config.AuditConfig;
import io.openclaw.audit.detection.DetectionTopology;
import io.openclaw.audit.detection.RuleState;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.KafkaCloudEvents;
import io.openclaw.testing.EventTap;
import io.openclaw.testing.KafkaBroker;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * The detection topology on the real broker, stopped with a window half full and started again on an
 * empty state directory (as a new pod would be): the window is restored from the changelog and the rule fires
 * when the rest of the failures arrive.
 */
class DetectionRestartIT {

    @Test
    void aRestartedDetectorKeepsItsWindowsAndFiresOnTheRemainingFailures() throws Exception {
        String run = UUID.randomUUID().toString();
        String source = "restart-src-" + run;
        String alertsTopic = "restart-alerts-" + run;
        String commandsTopic = "restart-commands-" + run;
        TestEvents.createTopics(source, alertsTopic, commandsTopic);
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(AuditConfig.class)
                .withDefaultValue("openclaw.audit.rules.brute-force.per-ip", "5")
                .build();
        AuditConfig.Rules rules = config.getConfigMapping(AuditConfig.class).rules();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "restart-" + run);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.shared().bootstrapServers());
        props.put(
                StreamsConfig.STATE_DIR_CONFIG,
                Files.createTempDirectory("restart-state-").toString());
        // the production settings (application.properties): at-least-once, 1 s commits, cached stores
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 10 * 1024 * 1024);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1000);

        String ip = TestEvents.network() + ".5";
        Instant now = Instant.now();
        KafkaStreams first = start(rules, source, alertsTopic, commandsTopic, props);
        for (int i = 0; i < 3; i++) {
            send(source, TestEvents.pairingRejected(ip, null, "invalid_code", now.plusMillis(i)));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> failuresCounted(first, ip) == 3);
        first.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(30)));
        first.cleanUp();
        props.put(
                StreamsConfig.STATE_DIR_CONFIG,
                Files.createTempDirectory("restart-state-").toString());

        try (EventTap alerts = EventTap.open(alertsTopic)) {
            KafkaStreams second = start(rules, source, alertsTopic, commandsTopic, props);
            try {
                assertThat(alerts.events()).isEmpty();
                send(source, TestEvents.pairingRejected(ip, null, "invalid_code", now.plusMillis(3)));
                send(source, TestEvents.pairingRejected(ip, null, "invalid_code", now.plusMillis(4)));
                CloudEvent alert = alerts.await(
                        e -> e.type().equals(EventType.ALERT_RAISED.type()) && ("ip:" + ip).equals(e.subject()),
                        Duration.ofSeconds(60));
                assertThat(alert.strings("evidence")).hasSize(5);
            } finally {
                second.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(30)));
            }
        }
    }

    private static KafkaStreams start(
            AuditConfig.Rules rules, String source, String alerts, String commands, Properties props) {
        KafkaStreams streams = new KafkaStreams(
                DetectionTopology.build(rules, Clock.systemUTC(), List.of(source), alerts, commands), props);
        streams.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
        return streams;
    }

    private static int failuresCounted(KafkaStreams streams, String ip) {
        try {
            ReadOnlyKeyValueStore<String, RuleState> store = streams.store(
                    StoreQueryParameters.fromNameAndType("detection-state", QueryableStoreTypes.keyValueStore()));
            RuleState state = store.get("bf-ip|" + ip);
            return state == null ? 0 : state.times.size();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static void send(String topic, CloudEvent event) {
        TestEvents.send(KafkaCloudEvents.toRecord(topic, event));
    }
}
