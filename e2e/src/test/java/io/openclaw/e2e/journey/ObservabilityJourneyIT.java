package io.openclaw.e2e.journey;

import static io.openclaw.e2e.journey.Journeys.onboard;
import static io.openclaw.e2e.journey.Journeys.pairing;
import static io.openclaw.e2e.journey.Journeys.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.openclaw.e2e.Http;
import io.openclaw.e2e.Http.Reply;
import io.openclaw.e2e.journey.Journeys.Owner;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.Topics;
import io.openclaw.testing.EventTap;
import io.openclaw.testing.QuarkusAppProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What operators see of the journeys: one trace across services, the metrics alerts rely on, ECS logs. */
class ObservabilityJourneyIT {

    private static final Pattern ALERT_METRIC = Pattern.compile("\\bopenclaw_[a-z_]+");

    @Test
    void aPairingExchangeIsOneTraceFromTokenServiceThroughPairingServiceIntoTheEvents() {
        Owner owner = onboard("Trace Co");
        SecureRandom random = new SecureRandom();
        String traceId = HexFormat.of().formatHex(bytes(random, 16));
        String traceparent = "00-" + traceId + "-" + HexFormat.of().formatHex(bytes(random, 8)) + "-01";
        Reply code = pairing()
                .bearer(owner.accessToken())
                .postJson("/v1/pairing-codes", Map.of("scopes", List.of("data:read"), "label", "traced"));
        assertThat(code.status()).isEqualTo(201);

        try (EventTap tap = EventTap.open(Topics.PAIRING_EVENTS, Topics.TOKEN_EVENTS)) {
            Reply paired = token().traced(traceparent)
                    .postJson("/v1/auth/pair", Map.of("pairing_code", code.field("code"), "device_name", "traced"));
            assertThat(paired.status()).as("pair: %s", paired).isEqualTo(200);

            CloudEvent redeemed = tap.await(
                    e -> e.type().equals(EventType.PAIRING_CODE_REDEEMED.type()) && inTrace(e, traceId),
                    Duration.ofSeconds(60));
            CloudEvent tokens =
                    tap.await(e -> e.source().equals("/token-service") && inTrace(e, traceId), Duration.ofSeconds(60));
            assertThat(redeemed.traceparent())
                    .as("pairing-service's span is a child in the caller's trace, not the caller's span")
                    .isNotEqualTo(traceparent);
            assertThat(tokens.traceparent()).contains(traceId);
        }
    }

    @Test
    void everyMetricTheAlertRulesUseIsExposedByTheServices() throws Exception {
        Owner owner = onboard("Metrics Co");
        // a failed redemption, a refresh-token replay (reuse → critical alert)
        assertThat(token().postJson("/v1/auth/pair", Map.of("pairing_code", "2345-6789-ABCD"))
                        .status())
                .isEqualTo(400);
        Reply code = pairing()
                .bearer(owner.accessToken())
                .postJson("/v1/pairing-codes", Map.of("scopes", List.of("data:read"), "label", "metrics"));
        Reply paired =
                token().postJson("/v1/auth/pair", Map.of("pairing_code", code.field("code"), "device_name", "m"));
        String first = paired.field("refresh_token");
        assertThat(refresh(first).status()).isEqualTo(200);
        assertThat(refresh(first).status()).as("the replayed refresh token").isEqualTo(400);

        String alerts =
                Files.readString(QuarkusAppProcess.moduleDir("deploy").resolve("k8s/base/monitoring/alerts.yaml"));
        Set<String> needed = new TreeSet<>();
        Matcher m = ALERT_METRIC.matcher(alerts);
        while (m.find()) {
            needed.add(m.group());
        }
        assertThat(needed).contains("openclaw_pairing_redemptions_total", "openclaw_outbox_lag_seconds");
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    StringBuilder exposed = new StringBuilder();
                    for (QuarkusAppProcess service : Journeys.platform().services()) {
                        exposed.append(
                                Http.to(service.baseUrl()).get("/q/metrics").text());
                    }
                    for (String metric : needed) {
                        assertThat(exposed.toString())
                                .as("a service exposes " + metric)
                                .contains(metric);
                    }
                    assertThat(exposed.toString()).contains("reason=\"invalid_code\"");
                });
    }

    @Test
    void everyServiceLogsJsonLinesWithEcsFieldNames() throws Exception {
        for (Path log : Journeys.platform().logs()) {
            List<String> lines = Files.readAllLines(log).stream()
                    .filter(line -> line.startsWith("{"))
                    .toList();
            assertThat(lines).as("JSON lines in " + log).hasSizeGreaterThan(5);
            for (String line : lines) {
                JsonNode entry = Http.JSON.readTree(line);
                assertThat(entry.has("@timestamp") && entry.has("log.level") && entry.has("message"))
                        .as("ECS fields in %s: %s", log, line)
                        .isTrue();
            }
        }
    }

    private static Reply refresh(String refreshToken) {
        return token().postForm(
                        "/v1/oauth/token", Http.form("grant_type", "refresh_token", "refresh_token", refreshToken));
    }

    private static byte[] bytes(SecureRandom random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private static boolean inTrace(CloudEvent event, String traceId) {
        return event.traceparent() != null && event.traceparent().contains(traceId);
    }
}
