package io.openclaw.e2e.journey;

import static io.openclaw.e2e.journey.Journeys.audit;
import static io.openclaw.e2e.journey.Journeys.onboard;
import static io.openclaw.e2e.journey.Journeys.pairing;
import static io.openclaw.e2e.journey.Journeys.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.openclaw.e2e.Http;
import io.openclaw.e2e.Http.Reply;
import io.openclaw.e2e.journey.Journeys.Owner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class OnboardingAndPairingJourneyIT {

    @Test
    void anOwnerOnboardsPairsADeviceWhichRefreshesAndDiesAtOnceWhenRevoked() throws Exception {
        // 1. onboarding: the bootstrap admin creates an account and a keys:manage key, which gets a token
        Owner owner = onboard("Acme Devices");
        List<String> secrets = new ArrayList<>(List.of(owner.key(), owner.accessToken()));

        // ... and issues a pairing code
        Reply issued = pairing()
                .bearer(owner.accessToken())
                .postJson(
                        "/v1/pairing-codes",
                        Map.of(
                                "scopes",
                                List.of("data:read", "device:control"),
                                "ttl_seconds",
                                300,
                                "label",
                                "Living Room Hub"));
        assertThat(issued.status()).as("issue code: %s", issued).isEqualTo(201);
        String code = issued.field("code");
        assertThat(code).matches("[2-9A-HJ-NP-TV-Z]{4}-[2-9A-HJ-NP-TV-Z]{4}-[2-9A-HJ-NP-TV-Z]{4}");
        secrets.add(code);

        // 2. the device exchanges the code once
        Reply paired =
                token().postJson("/v1/auth/pair", Map.of("pairing_code", code.toLowerCase(), "device_name", "Hub"));
        assertThat(paired.status()).as("pair: %s", paired).isEqualTo(200);
        assertThat(paired.header("Cache-Control")).contains("no-store");
        String deviceId = paired.field("device_id");
        String access = paired.field("access_token");
        String refresh = paired.field("refresh_token");
        assertThat(paired.field("scope").split(" ")).containsExactlyInAnyOrder("data:read", "device:control");
        secrets.add(access);
        secrets.add(refresh);

        Reply again = token().postJson("/v1/auth/pair", Map.of("pairing_code", code, "device_name", "Hub"));
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.field("error")).isEqualTo("invalid_grant");

        Http introspection = token().bearer(owner.accessToken());
        Reply active = introspection.postForm("/v1/oauth/introspect", Http.form("token", access));
        assertThat(active.status()).isEqualTo(200);
        assertThat(active.json().get("active").asBoolean()).isTrue();
        assertThat(active.field("sub")).isEqualTo(deviceId);

        // refreshes three times, each rotating the refresh token
        for (int i = 0; i < 3; i++) {
            Reply refreshed = token().postForm(
                            "/v1/oauth/token", Http.form("grant_type", "refresh_token", "refresh_token", refresh));
            assertThat(refreshed.status()).as("refresh %d: %s", i, refreshed).isEqualTo(200);
            assertThat(refreshed.field("refresh_token")).isNotEqualTo(refresh);
            refresh = refreshed.field("refresh_token");
            access = refreshed.field("access_token");
            secrets.add(access);
            secrets.add(refresh);
        }

        // is listed, is revoked, and its last tokens stop working at once
        Reply devices = token().bearer(owner.accessToken()).get("/v1/devices");
        assertThat(devices.status()).isEqualTo(200);
        assertThat(devices.text()).contains(deviceId);
        Reply revoked = token().bearer(owner.accessToken()).delete("/v1/devices/" + deviceId);
        assertThat(revoked.status()).isIn(200, 204);

        Reply dead = introspection.postForm("/v1/oauth/introspect", Http.form("token", access));
        assertThat(dead.json().get("active").asBoolean()).isFalse();
        Reply refreshAfter =
                token().postForm("/v1/oauth/token", Http.form("grant_type", "refresh_token", "refresh_token", refresh));
        assertThat(refreshAfter.status()).isEqualTo(400);
        assertThat(refreshAfter.field("error")).isEqualTo("invalid_grant");

        // 6. audit completeness for this account: every step, in order
        Http auditor = audit().bearer(owner.accessToken());
        List<String> expected = List.of(
                "io.openclaw.pairing.code.issued",
                "io.openclaw.pairing.code.redeemed",
                "io.openclaw.token.refreshed",
                "io.openclaw.token.device.revoked");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<String> types = auditTypes(auditor);
            assertThat(types).containsAll(expected);
            assertThat(types.stream().filter("io.openclaw.token.refreshed"::equals))
                    .hasSize(3);
            assertThat(types.indexOf("io.openclaw.pairing.code.issued"))
                    .isLessThan(types.indexOf("io.openclaw.pairing.code.redeemed"));
            assertThat(types.indexOf("io.openclaw.pairing.code.redeemed"))
                    .isLessThan(types.lastIndexOf("io.openclaw.token.device.revoked"));
        });
        Reply integrity = audit().bearer(Journeys.adminToken()).get("/v1/audit/integrity");
        assertThat(integrity.status()).as("integrity: %s", integrity).isEqualTo(200);
        assertThat(integrity.text()).doesNotContain("\"valid\":false").doesNotContain("\"ok\":false");

        // no code, key or token appears in any service log
        for (Path log : Journeys.platform().logs()) {
            String text = Files.readString(log);
            for (String secret : secrets) {
                assertThat(text).as("secret in %s", log.getFileName()).doesNotContain(secret);
            }
        }
    }

    /** Event types of the caller's account in the audit log, oldest first. */
    static List<String> auditTypes(Http auditor) {
        List<JsonNode> events = new ArrayList<>();
        String cursor = null;
        do {
            Reply page = auditor.get("/v1/audit/events?limit=200" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as("audit events: %s", page).isEqualTo(200);
            JsonNode items = page.json().has("events")
                    ? page.json().get("events")
                    : page.json().get("items");
            items.forEach(events::add);
            cursor = page.field("next_cursor");
        } while (cursor != null);
        List<JsonNode> sorted = new ArrayList<>(events);
        sorted.sort((a, b) -> text(a, "time").compareTo(text(b, "time")));
        return StreamSupport.stream(sorted.spliterator(), false)
                .map(e -> text(e, "type"))
                .toList();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null && "type".equals(field)) {
            value = node.get("event_type");
        }
        if (value == null && "time".equals(field)) {
            value = node.get("occurred_at");
        }
        return value == null ? "" : value.asText();
    }
}
