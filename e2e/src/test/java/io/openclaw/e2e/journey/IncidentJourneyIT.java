package io.openclaw.e2e.journey;

import static io.openclaw.e2e.journey.Journeys.audit;
import static io.openclaw.e2e.journey.Journeys.keys;
import static io.openclaw.e2e.journey.Journeys.onboard;
import static io.openclaw.e2e.journey.Journeys.pairing;
import static io.openclaw.e2e.journey.Journeys.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openclaw.e2e.Http;
import io.openclaw.e2e.Http.Reply;
import io.openclaw.e2e.journey.Journeys.Owner;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.Topics;
import io.openclaw.testing.EventTap;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IncidentJourneyIT {

    private static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

    @Test
    void aBruteForceScriptAgainstPairingRaisesAnAlertAndGetsItsAddressBlocked() {
        Journeys.platform();
        String attacker = "203.0.113.77";
        try (EventTap tap = EventTap.open(Topics.SECURITY_ALERTS, Topics.SECURITY_COMMANDS, Topics.PAIRING_EVENTS)) {
            Http device = token().from(attacker);
            int refused = 0;
            for (int i = 0; i < 15; i++) {
                Reply guess =
                        device.postJson("/v1/auth/pair", Map.of("pairing_code", randomCode(), "device_name", "probe"));
                assertThat(guess.status()).as("guess %d: %s", i, guess).isIn(400, 429);
                if (guess.status() == 429
                        || "too_many_attempts".equals(guess.field("error"))
                        || String.valueOf(guess.field("error_description")).contains("too_many_attempts")) {
                    refused++;
                }
            }
            assertThat(refused).as("guesses refused by the lockout").isPositive();

            long started = System.nanoTime();
            CloudEvent alert = tap.await(
                    e -> e.type().equals("io.openclaw.alert.raised")
                            && String.valueOf(e.string("rule")).startsWith("pairing_brute_force"),
                    Duration.ofSeconds(60));
            System.out.printf(
                    "[journey] brute-force alert %.0f ms after the last guess%n", (System.nanoTime() - started) / 1e6);
            CloudEvent block = tap.await(e -> e.type().equals("io.openclaw.command.block_ip"), Duration.ofSeconds(30));
            assertThat(block.subject()).contains("203.0.113");
            tap.await(e -> e.type().equals("io.openclaw.pairing.ip.blocked"), Duration.ofSeconds(30));

            // the alert is stored by the audit log's consumer of the alerts topic, a moment after it is published
            Http alerts = audit().bearer(Journeys.adminToken());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Reply listed = alerts.get("/v1/alerts?severity=high");
                assertThat(listed.status()).isEqualTo(200);
                assertThat(listed.text()).contains(alert.string("alert_id"));
            });
        }
    }

    @Test
    void aReplayedRefreshTokenRevokesTheFamilyAndRaisesACriticalAlert() {
        Owner owner = onboard("Replay Co");
        String code = pairing()
                .bearer(owner.accessToken())
                .postJson("/v1/pairing-codes", Map.of("scopes", List.of("data:read"), "label", "Thermostat"))
                .field("code");
        Reply paired = token().postJson("/v1/auth/pair", Map.of("pairing_code", code, "device_name", "Thermostat"));
        assertThat(paired.status()).isEqualTo(200);
        String first = paired.field("refresh_token");
        Reply rotated =
                token().postForm("/v1/oauth/token", Http.form("grant_type", "refresh_token", "refresh_token", first));
        assertThat(rotated.status()).isEqualTo(200);
        String second = rotated.field("refresh_token");

        Reply replay =
                token().postForm("/v1/oauth/token", Http.form("grant_type", "refresh_token", "refresh_token", first));
        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.field("error")).isEqualTo("invalid_grant");
        Reply successor =
                token().postForm("/v1/oauth/token", Http.form("grant_type", "refresh_token", "refresh_token", second));
        assertThat(successor.status()).as("the whole family is revoked").isEqualTo(400);
        Reply introspected = token().bearer(owner.accessToken())
                .postForm("/v1/oauth/introspect", Http.form("token", rotated.field("access_token")));
        assertThat(introspected.json().get("active").asBoolean()).isFalse();

        Http alerts = audit().bearer(owner.accessToken());
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Reply page = alerts.get("/v1/alerts?severity=critical");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.text()).contains("refresh_token_reuse");
        });
    }

    @Test
    void aLeakedKeyReportedByAScannerIsRevokedAndAlerted() {
        Owner owner = onboard("Leaky Co");
        Http manager = keys().bearer(owner.accessToken());
        Reply created = manager.postJson(
                "/v1/keys", Map.of("name", "ci deploy", "scopes", List.of("data:read"), "environment", "test"));
        String id = created.field("id");
        String key = created.field("key");

        try (EventTap tap = EventTap.open(Topics.KEY_EVENTS)) {
            Reply report = keys().bearer(Journeys.adminToken())
                    .postJson(
                            "/v1/keys/leaks",
                            Map.of("candidates", List.of("nothing-to-see", key), "source", "github scan"));
            assertThat(report.status()).as("leak report: %s", report).isIn(200, 202);
            assertThat(report.text()).doesNotContain(id);
            tap.await(e -> e.type().equals("io.openclaw.key.leaked") && id.equals(e.subject()), Duration.ofSeconds(30));
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(token().postForm(
                                "/v1/oauth/token",
                                Http.form("grant_type", "client_credentials", "client_id", id, "client_secret", key))
                        .status())
                .isEqualTo(401));
        Reply view = manager.get("/v1/keys/" + id);
        assertThat(view.text()).containsAnyOf("revoked", "suspended");
    }

    private static String randomCode() {
        SecureRandom random = new SecureRandom();
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            if (i > 0 && i % 4 == 0) {
                code.append('-');
            }
            code.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return code.toString();
    }
}
