package io.openclaw.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.Outcome;
import io.openclaw.events.Topics;
import io.openclaw.testing.EventTap;
import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaResource;
import io.openclaw.testing.PostgresResource;
import io.openclaw.testing.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = DetectionStateResource.class, restrictToAnnotatedClass = false)
class DetectionIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private EventTap alerts;
    private EventTap commands;

    @BeforeEach
    void openTaps() {
        alerts = EventTap.open(Topics.SECURITY_ALERTS);
        commands = EventTap.open(Topics.SECURITY_COMMANDS);
    }

    @AfterEach
    void closeTaps() {
        alerts.close();
        commands.close();
    }

    @Test
    void failedRedemptionsFromOneIpRaiseAHighAlertAndABlockWhileFewerStayQuiet() {
        String net = TestEvents.network();
        String attacker = net + ".66";
        String neighbour = TestEvents.network() + ".7";
        Instant now = Instant.now();
        List<CloudEvent> quiet = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            quiet.add(TestEvents.pairingRejected(neighbour, null, "invalid_code", now));
        }
        TestEvents.publish(quiet);
        List<CloudEvent> attack = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            attack.add(TestEvents.pairingRejected(attacker, null, "invalid_code", now.plusMillis(i)));
        }
        TestEvents.publish(attack.subList(0, 4));
        long start = System.nanoTime();
        TestEvents.publish(attack.get(4));

        CloudEvent alert = alerts.await(raised("pairing_brute_force_ip", "ip:" + attacker), WAIT);
        long latencyMs = (System.nanoTime() - start) / 1_000_000;
        System.out.printf(
                "alert latency (5th failed redemption published -> alert read from the topic): %d ms%n", latencyMs);
        assertThat(alert.string("severity")).isEqualTo("high");
        assertThat(alert.strings("evidence"))
                .containsAll(attack.stream().map(CloudEvent::id).toList());
        CloudEvent block = commands.await(
                e -> e.type().equals(EventType.COMMAND_BLOCK_IP.type()) && attacker.equals(e.string("ip")), WAIT);
        assertThat(block.string("alert_id")).isEqualTo(alert.string("alert_id"));
        assertThat(Instant.parse(block.string("until"))).isAfter(Instant.now().plusSeconds(3000));

        assertQuiet(raised("pairing_brute_force_ip", "ip:" + neighbour));
        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(org.hamcrest.Matchers.matchesPattern("(?s).*\\nopenclaw_audit_alerts_raised_total\\{"
                        + "(?=[^}]*rule=\"pairing_brute_force_ip\")(?=[^}]*severity=\"high\")[^}]*} [1-9].*"));
        String admin = TestJwt.platformAdmin().sign();
        await().atMost(WAIT).untilAsserted(() -> given().auth()
                .oauth2(admin)
                .queryParam("rule", "pairing_brute_force_ip")
                .get("/v1/alerts")
                .then()
                .statusCode(200)
                .body("items.id", hasItem(alert.string("alert_id"))));
        await().atMost(WAIT).untilAsserted(() -> given().auth()
                .oauth2(admin)
                .queryParam("type", EventType.COMMAND_BLOCK_IP.type())
                .queryParam("subject", attacker)
                .get("/v1/audit/events")
                .then()
                .statusCode(200)
                .body("items.id", hasItem(block.id())));
    }

    @Test
    void failuresSpreadOverANetworkOrAimedAtOneAccountRaiseAlerts() {
        String net = TestEvents.network();
        String account = TestEvents.account();
        Instant now = Instant.now();
        List<CloudEvent> spread = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            spread.add(TestEvents.pairingRejected(net + "." + (i % 4 + 1), null, "invalid_code", now));
        }
        List<CloudEvent> aimed = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            aimed.add(TestEvents.pairingRejected(TestEvents.network() + ".9", account, "code_expired", now));
        }
        TestEvents.publish(spread);
        TestEvents.publish(aimed);

        alerts.await(raised("pairing_brute_force_network", net + ".0/24"), WAIT);
        commands.await(
                e -> e.type().equals(EventType.COMMAND_BLOCK_IP.type()) && (net + ".0/24").equals(e.string("network")),
                WAIT);
        CloudEvent accountAlert = alerts.await(raised("pairing_brute_force_account", account), WAIT);
        assertThat(accountAlert.accountId()).isEqualTo(account);
        assertQuiet(raised("pairing_brute_force_ip", "ip:" + net + ".1"));
    }

    @Test
    void refreshTokenReuseRaisesACriticalAlertAndNormalRefreshesDoNot() {
        String account = TestEvents.account();
        String reused = TestEvents.id("fam_");
        String normal = TestEvents.id("fam_");
        TestEvents.publish(
                TestEvents.tokenRefreshed(account, normal, Instant.now()),
                TestEvents.tokenRefreshed(account, normal, Instant.now()),
                TestEvents.refreshReuse(account, reused, Instant.now()));

        CloudEvent alert = alerts.await(raised("refresh_token_reuse", reused), WAIT);
        assertThat(alert.string("severity")).isEqualTo("critical");
        assertThat(alert.accountId()).isEqualTo(account);
        assertQuiet(e -> e.type().equals(EventType.ALERT_RAISED.type()) && normal.equals(e.subject()));
    }

    @Test
    void useOfARevokedCredentialIsMediumAndRepeatedUseIsHigh() {
        String account = TestEvents.account();
        String revoked = TestEvents.id("jti");
        String malformed = TestEvents.id("jti");
        String key = TestEvents.id("key_");
        Instant now = Instant.now();
        TestEvents.publish(
                TestEvents.tokenRejected(account, malformed, "token_malformed", now),
                TestEvents.tokenRejected(account, revoked, "token_revoked", now));
        CloudEvent medium = alerts.await(raised("revoked_credential_use", revoked), WAIT);
        assertThat(medium.string("severity")).isEqualTo("medium");

        TestEvents.publish(
                TestEvents.tokenRejected(account, revoked, "token_revoked", now.plusSeconds(1)),
                TestEvents.tokenRejected(account, revoked, "token_revoked", now.plusSeconds(2)),
                TestEvents.keyRejected(account, key, "EXPIRED", "198.51.100.4", now));
        CloudEvent high = alerts.await(
                raised("revoked_credential_use", revoked).and(e -> "high".equals(e.string("severity"))), WAIT);
        assertThat(high.strings("evidence")).hasSize(3);
        alerts.await(raised("revoked_credential_use", key), WAIT);
        assertQuiet(raised("revoked_credential_use", malformed));
    }

    @Test
    void refreshGrantsRefusedForRevokedFamiliesCountPerDeviceNotPerGrantType() {
        String account = TestEvents.account();
        String deviceA = TestEvents.id("dev_");
        String deviceB = TestEvents.id("dev_");
        Instant now = Instant.now();
        TestEvents.publish(
                TestEvents.refreshRefused(account, deviceA, "family_revoked", now),
                TestEvents.refreshRefused(account, deviceA, "family_revoked", now.plusMillis(1)),
                TestEvents.refreshRefused(account, deviceB, "family_revoked", now.plusMillis(2)));
        CloudEvent a = alerts.await(raised("revoked_credential_use", deviceA), WAIT);
        CloudEvent b = alerts.await(raised("revoked_credential_use", deviceB), WAIT);
        assertThat(a.string("severity")).isEqualTo("medium");
        assertThat(b.string("severity")).isEqualTo("medium");
        assertQuiet(e -> e.type().equals(EventType.ALERT_RAISED.type())
                && ("refresh_token".equals(e.subject())
                        || ((deviceA.equals(e.subject()) || deviceB.equals(e.subject()))
                                && "high".equals(e.string("severity")))));
    }

    @Test
    void aKeyUsedFarAboveItsBaselineRaisesAnAlertAndIsSuspendedOnlyWhenTheAccountOptedIn() {
        String optedIn = "acc_spikeoptin";
        String other = TestEvents.account();
        String spiking = TestEvents.id("key_");
        String spikingElsewhere = TestEvents.id("key_");
        String steady = TestEvents.id("key_");
        Instant base = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(20));
        List<CloudEvent> traffic = new ArrayList<>();
        for (int minute = 0; minute < 6; minute++) {
            Instant m = base.plus(Duration.ofMinutes(minute));
            for (int i = 0; i < 45; i++) {
                traffic.add(
                        TestEvents.keyUsed(other, steady, "198.51.100.10", Outcome.SUCCESS, m.plusMillis(i * 100L)));
            }
            for (int i = 0; i < 10; i++) {
                traffic.add(TestEvents.keyUsed(optedIn, spiking, "198.51.100.11", Outcome.SUCCESS, m.plusSeconds(i)));
                traffic.add(TestEvents.keyUsed(
                        other, spikingElsewhere, "198.51.100.12", Outcome.SUCCESS, m.plusSeconds(i)));
            }
        }
        Instant spikeMinute = base.plus(Duration.ofMinutes(6));
        for (int i = 0; i < 60; i++) {
            traffic.add(TestEvents.keyUsed(
                    optedIn, spiking, "198.51.100.11", Outcome.SUCCESS, spikeMinute.plusMillis(i * 100L)));
            traffic.add(TestEvents.keyUsed(
                    other, spikingElsewhere, "198.51.100.12", Outcome.SUCCESS, spikeMinute.plusMillis(i * 100L)));
        }
        TestEvents.publish(traffic);

        CloudEvent alert = alerts.await(raised("api_key_usage_spike", spiking), WAIT);
        assertThat(alert.string("severity")).isEqualTo("high");
        CloudEvent suspend = commands.await(
                e -> e.type().equals(EventType.COMMAND_SUSPEND_KEY.type()) && spiking.equals(e.string("key_id")), WAIT);
        assertThat(suspend.accountId()).isEqualTo(optedIn);
        assertThat(suspend.string("alert_id")).isEqualTo(alert.string("alert_id"));
        alerts.await(raised("api_key_usage_spike", spikingElsewhere), WAIT);
        assertQuiet(e -> spikingElsewhere.equals(e.string("key_id")) || steady.equals(e.string("key_id")), commands);
        assertQuiet(raised("api_key_usage_spike", steady));
    }

    @Test
    void aKeyUsedFromANewNetworkRaisesALowAlertAndItsUsualNetworkDoesNot() {
        String account = TestEvents.account();
        String roaming = TestEvents.id("key_");
        String homebound = TestEvents.id("key_");
        Instant now = Instant.now();
        TestEvents.publish(
                TestEvents.keyUsed(account, homebound, "198.51.100.20", Outcome.SUCCESS, now),
                TestEvents.keyUsed(account, homebound, "198.51.100.21", Outcome.SUCCESS, now),
                TestEvents.keyUsed(account, roaming, "198.51.100.20", Outcome.SUCCESS, now),
                TestEvents.keyUsed(account, roaming, "198.51.100.22", Outcome.SUCCESS, now.plusSeconds(1)),
                TestEvents.keyUsed(account, roaming, "203.0.113.5", Outcome.SUCCESS, now.plusSeconds(2)));

        CloudEvent alert = alerts.await(raised("api_key_new_network", roaming), WAIT);
        assertThat(alert.string("severity")).isEqualTo("low");
        assertThat(alert.string("summary")).contains("203.0.113.0/24");
        assertQuiet(raised("api_key_new_network", homebound));
    }

    @Test
    void anAllowlistViolationRaisesAMediumAlertAndRateLimitingDoesNot() {
        String account = TestEvents.account();
        String outside = TestEvents.id("key_");
        String busy = TestEvents.id("key_");
        TestEvents.publish(
                TestEvents.keyRejected(account, busy, "RATE_LIMITED", "198.51.100.30", Instant.now()),
                TestEvents.keyRejected(account, outside, "IP_NOT_ALLOWED", "203.0.113.30", Instant.now()));
        CloudEvent alert = alerts.await(raised("allowlist_violation", outside), WAIT);
        assertThat(alert.string("severity")).isEqualTo("medium");
        assertQuiet(e -> e.type().equals(EventType.ALERT_RAISED.type()) && busy.equals(e.subject()));
    }

    @Test
    void massIssuanceAndMassRevocationByOneActorRaiseHighAlerts() {
        String account = TestEvents.account();
        String busyIssuer = TestEvents.id("key_");
        String normalIssuer = TestEvents.id("key_");
        String revoker = TestEvents.id("key_");
        Instant now = Instant.now();
        List<CloudEvent> events = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            events.add(TestEvents.codeIssued(account, busyIssuer, now.plusMillis(i)));
        }
        for (int i = 0; i < 7; i++) {
            events.add(TestEvents.codeIssued(account, normalIssuer, now.plusMillis(i)));
        }
        for (int i = 0; i < 6; i++) {
            events.add(TestEvents.keyRevoked(account, revoker, TestEvents.id("key_"), now.plusMillis(i)));
        }
        TestEvents.publish(events);
        assertThat(alerts.await(raised("mass_issuance", busyIssuer), WAIT).string("severity"))
                .isEqualTo("high");
        alerts.await(raised("mass_revocation", revoker), WAIT);
        assertQuiet(raised("mass_issuance", normalIssuer));
    }

    @Test
    void alertsAreDeduplicatedListedPerAccountAndWorkedThroughAcknowledgeAndResolve() {
        String account = TestEvents.account();
        String stranger = TestEvents.account();
        String key = TestEvents.id("key_");
        TestEvents.publish(TestEvents.keyRejected(account, key, "IP_NOT_ALLOWED", "203.0.113.40", Instant.now()));
        CloudEvent alert = alerts.await(raised("allowlist_violation", key), WAIT);
        TestEvents.publish(TestEvents.keyRejected(account, key, "IP_NOT_ALLOWED", "203.0.113.41", Instant.now()));
        assertQuiet(raised("allowlist_violation", key).and(e -> !e.id().equals(alert.id())));
        String alertId = alert.string("alert_id");

        String reader = TestJwt.token(account, "audit:read").sign();
        await().atMost(WAIT).untilAsserted(() -> given().auth()
                .oauth2(reader)
                .queryParam("status", "open")
                .queryParam("severity", "medium")
                .get("/v1/alerts")
                .then()
                .statusCode(200)
                .body("items.id", org.hamcrest.Matchers.contains(alertId))
                .body("items[0].evidence.size()", equalTo(1)));
        given().auth()
                .oauth2(TestJwt.token(stranger, "audit:read").sign())
                .get("/v1/alerts")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0));
        given().auth()
                .oauth2(TestJwt.token(stranger, "alerts:manage").sign())
                .post("/v1/alerts/" + alertId + "/acknowledge")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(reader)
                .post("/v1/alerts/" + alertId + "/acknowledge")
                .then()
                .statusCode(403);

        String manager = TestJwt.token(account, "alerts:manage").sign();
        given().auth()
                .oauth2(manager)
                .post("/v1/alerts/" + alertId + "/acknowledge")
                .then()
                .statusCode(200)
                .body("status", equalTo("acknowledged"));
        given().auth()
                .oauth2(manager)
                .post("/v1/alerts/" + alertId + "/acknowledge")
                .then()
                .statusCode(409)
                .body("code", equalTo("invalid_state"));
        given().auth()
                .oauth2(manager)
                .post("/v1/alerts/" + alertId + "/resolve")
                .then()
                .statusCode(200)
                .body("status", equalTo("resolved"))
                .body("resolved_by", equalTo("key_test_" + account));
        alerts.await(
                e -> e.type().equals(EventType.ALERT_RESOLVED.type()) && alertId.equals(e.string("alert_id")), WAIT);
    }

    @Test
    void theRulesAreListedWithTheirThresholds() {
        given().auth()
                .oauth2(TestJwt.token(TestEvents.account(), "audit:read").sign())
                .get("/v1/audit/rules")
                .then()
                .statusCode(200)
                .body("rules.size()", equalTo(10))
                .body("rules.find { it.id == 'pairing_brute_force_ip' }.thresholds.failures", equalTo(5))
                .body("rules.find { it.id == 'api_key_usage_spike' }.thresholds.factor", equalTo(4.0f))
                .body("rules.number.toSet().size()", equalTo(7));
    }

    private static Predicate<CloudEvent> raised(String rule, String subject) {
        return e -> e.type().equals(EventType.ALERT_RAISED.type())
                && rule.equals(e.string("rule"))
                && subject.equals(e.subject());
    }

    private void assertQuiet(Predicate<CloudEvent> unwanted) {
        assertQuiet(unwanted, alerts);
    }

    private static void assertQuiet(Predicate<CloudEvent> unwanted, EventTap tap) {
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> tap.matching(unwanted)
                .isEmpty());
    }
}
