package io.openclaw.pairing;

import static io.openclaw.pairing.Api.as;
import static io.openclaw.pairing.Api.issue;
import static io.openclaw.pairing.Api.issueCode;
import static io.openclaw.pairing.Api.newAccount;
import static io.openclaw.pairing.Api.owner;
import static io.openclaw.pairing.Api.randomIp;
import static io.openclaw.pairing.Api.redeem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.Outcome;
import io.openclaw.events.Topics;
import io.openclaw.testing.EventTap;
import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaResource;
import io.openclaw.testing.RedisResource;
import io.openclaw.testing.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
class RedemptionIT {

    @Inject
    MutableClock clock;

    @Test
    void aCodeIsRedeemedOnceAndThenAnswersCodeUsed() {
        String account = newAccount();
        Map<String, Object> issued = issueCode(account, "Living Room Hub");
        String code = (String) issued.get("code");
        redeem(code, randomIp())
                .then()
                .statusCode(200)
                .body("pairing_id", equalTo(issued.get("id")))
                .body("account_id", equalTo(account))
                .body("scopes", equalTo(List.of("data:read")))
                .body("label", equalTo("Living Room Hub"));
        redeem(code, randomIp())
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("code_used"));
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(matchesPattern("(?s).*openclaw_pairing_redemptions_total\\{[^}]*outcome=\"failure\""
                        + "[^}]*reason=\"code_used\"[^}]*} [1-9].*"))
                .body(matchesPattern("(?s).*openclaw_pairing_redemptions_total\\{[^}]*outcome=\"success\""
                        + "[^}]*reason=\"none\"[^}]*} [1-9].*"))
                .body(matchesPattern("(?s).*openclaw_pairing_codes_total\\{[^}]*outcome=\"issued\"[^}]*} [1-9].*"))
                .body(containsString("openclaw_outbox_lag_seconds{service=\"pairing-service\"}"));
    }

    @Test
    void typedInputIsNormalisedForCaseSpacesAndHyphens() {
        String code = (String) issueCode(newAccount(), "Fridge").get("code");
        String typed = " " + code.toLowerCase(Locale.ROOT).replace("-", " ") + " ";
        redeem(typed, randomIp()).then().statusCode(200);
    }

    @Test
    void malformedCodesAndLookAlikesAreInvalidFormat() {
        for (String code : List.of(
                "ABCD-EFGH-IJKL",
                "0000-0000-0000",
                "XC5B-P7QY-3R2",
                "XC5B-P7QY-3R2A-9",
                "",
                "XC5B_P7QY_3R2A",
                "x".repeat(5000))) {
            redeem(code, randomIp())
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("code", equalTo("invalid_format"));
        }
    }

    @Test
    void aCodeNeverIssuedIsAnInvalidCode() {
        redeem(Api.randomCode(), randomIp()).then().statusCode(400).body("code", equalTo("invalid_code"));
    }

    @Test
    void anExpiredCodeIsToldApartFromATypo() {
        String token = owner(newAccount());
        String code = issue(token, Map.of("scopes", List.of("data:read"), "ttl_seconds", 60))
                .then()
                .statusCode(201)
                .extract()
                .path("code");
        clock.shift(Duration.ofSeconds(61));
        redeem(code, randomIp())
                .then()
                .statusCode(400)
                .body("code", equalTo("code_expired"))
                .body("detail", equalTo("the pairing code has expired"));
        redeem(code, randomIp()).then().statusCode(400).body("code", equalTo("code_expired"));
    }

    @Test
    void aHundredParallelRedemptionsYieldExactlyOneSuccess() throws Exception {
        String code = (String) issueCode(newAccount(), "Race").get("code");
        int parallel = 100;
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<io.restassured.response.Response>> results = new ArrayList<>();
            for (int i = 0; i < parallel; i++) {
                String ip = randomIp();
                results.add(pool.submit(() -> {
                    start.await();
                    return redeem(code, ip);
                }));
            }
            start.countDown();
            int successes = 0;
            int used = 0;
            for (Future<io.restassured.response.Response> result : results) {
                io.restassured.response.Response response = result.get();
                if (response.statusCode() == 200) {
                    successes++;
                } else if (response.statusCode() == 400 && "code_used".equals(response.path("code"))) {
                    used++;
                }
            }
            assertThat(successes).isEqualTo(1);
            assertThat(used).isEqualTo(parallel - 1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void eventsReachTheTopicAndNeverCarryTheCode() {
        try (EventTap tap = EventTap.open(Topics.PAIRING_EVENTS)) {
            String account = newAccount();
            Map<String, Object> issued = issueCode(account, "Audit Me");
            String code = (String) issued.get("code");
            String id = (String) issued.get("id");
            String ip = randomIp();
            redeem(code, ip).then().statusCode(200);
            redeem(code, ip).then().statusCode(400);

            CloudEvent issuedEvent = tap.await(
                    e -> e.type().equals(EventType.PAIRING_CODE_ISSUED.type()) && id.equals(e.subject()),
                    Duration.ofSeconds(30));
            assertThat(issuedEvent.accountId()).isEqualTo(account);
            assertThat(issuedEvent.strings("scopes")).containsExactly("data:read");
            assertThat(issuedEvent.string("label")).isEqualTo("Audit Me");
            assertThat(issuedEvent.source()).isEqualTo("/pairing-service");

            CloudEvent redeemed = tap.await(
                    e -> e.type().equals(EventType.PAIRING_CODE_REDEEMED.type()) && id.equals(e.subject()),
                    Duration.ofSeconds(30));
            assertThat(redeemed.actor()).isEqualTo("svc:token-service");
            assertThat(redeemed.sourceIp()).isEqualTo(ip);
            assertThat(redeemed.userAgent()).isEqualTo("hub/1.2");
            assertThat(redeemed.partitionKey()).isEqualTo(account);

            CloudEvent rejected = tap.await(
                    e -> e.type().equals(EventType.PAIRING_CODE_REJECTED.type()) && id.equals(e.subject()),
                    Duration.ofSeconds(30));
            assertThat(rejected.reason()).isEqualTo("code_used");
            assertThat(rejected.outcome()).isEqualTo(Outcome.FAILURE);
            assertThat(rejected.sourceIp()).isEqualTo(ip);

            tap.matching(e -> e.type().startsWith("io.openclaw.pairing.")).forEach(EventContract::assertValid);
            String canonical = code.replace("-", "");
            assertThat(tap.anyRecordText(text -> text.contains(code) || text.contains(canonical)))
                    .isFalse();
        }
    }

    @Test
    void redemptionNeedsTheServiceScopeAndAValidSourceIp() {
        String code = (String) issueCode(newAccount(), "Guarded").get("code");
        as(owner(newAccount()))
                .body(Map.of("code", code, "source_ip", randomIp()))
                .post("/internal/v1/redemptions")
                .then()
                .statusCode(403)
                .body("code", equalTo("forbidden"));
        for (String ip : List.of("", "example.com", "10.0.0.0/8", "999.1.1.1")) {
            as(Api.serviceToken())
                    .body(Map.of("code", code, "source_ip", ip))
                    .post("/internal/v1/redemptions")
                    .then()
                    .statusCode(400)
                    .body("code", equalTo("invalid_request"));
        }
        as(Api.serviceToken())
                .body(Map.of("code", code, "source_ip", "2001:db8::7", "extra", 1))
                .post("/internal/v1/redemptions")
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_request"));
        redeem(code, "2001:db8::7").then().statusCode(200);
        as(TestJwt.token(null, "keys:verify").subject("svc:token-service").sign())
                .body(Map.of("code", code, "source_ip", randomIp()))
                .post("/internal/v1/redemptions")
                .then()
                .statusCode(403);
    }
}
