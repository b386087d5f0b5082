package io.openclaw.keys.command;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.Topics;
import io.openclaw.keys.apikey.ApiKeyFormat;
import io.openclaw.keys.apikey.Environment;
import io.openclaw.keys.support.Api;
import io.openclaw.testing.EventTap;
import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaResource;
import io.openclaw.testing.PostgresResource;
import io.openclaw.testing.RedisResource;
import io.openclaw.testing.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
class CommandsAndLeaksIT {

    @Test
    void aSuspendKeyCommandDeliveredTwiceSuspendsTheKeyOnce() {
        String account = Api.newAccount("Suspend command");
        JsonPath key = Api.newKey(account, "data:read");
        String id = key.getString("id");
        CloudEvent command = CloudEvent.builder(EventType.COMMAND_SUSPEND_KEY)
                .source("/audit-service")
                .accountId(account)
                .actor("svc:audit-service")
                .subject(id)
                .reason("usage_spike")
                .data("key_id", id)
                .data("alert_id", "alr_test1")
                .build();
        try (EventTap tap = EventTap.open(Topics.KEY_EVENTS)) {
            EventTap.publish(command);
            EventTap.publish(command);
            Predicate<CloudEvent> suspended =
                    e -> e.type().equals(EventType.KEY_SUSPENDED.type()) && id.equals(e.string("key_id"));
            CloudEvent event = tap.await(suspended, Duration.ofSeconds(30));
            assertThat(event.actor()).isEqualTo("svc:audit-service");
            assertThat(event.reason()).isEqualTo("usage_spike");
            assertThat(event.string("alert_id")).isEqualTo("alr_test1");
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> tap.matching(suspended).size() == 1);
        }
        assertThat(Api.verifyCode(key.getString("key"), "data:read")).isEqualTo("DISABLED");
    }

    @Test
    void aRevokeKeyCommandRevokesTheKey() {
        String account = Api.newAccount("Revoke command");
        JsonPath key = Api.newKey(account, "data:read");
        String id = key.getString("id");
        EventTap.publish(CloudEvent.builder(EventType.COMMAND_REVOKE_KEY)
                .source("/audit-service")
                .accountId(account)
                .actor("svc:audit-service")
                .subject(id)
                .reason("revoked_credential_use")
                .data("key_id", id)
                .build());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "REVOKED".equals(Api.verifyCode(key.getString("key"), "data:read")));
    }

    @Test
    void aCommandNamingAKeyOfAnotherAccountChangesNothing() {
        String owner = Api.newAccount("Command owner");
        String other = Api.newAccount("Command other");
        JsonPath key = Api.newKey(owner, "data:read");
        String id = key.getString("id");
        JsonPath marker = Api.newKey(owner, "data:read");
        EventTap.publish(CloudEvent.builder(EventType.COMMAND_REVOKE_KEY)
                .source("/audit-service")
                .accountId(other)
                .actor("svc:audit-service")
                .subject(id)
                .data("key_id", id)
                .build());
        EventTap.publish(CloudEvent.builder(EventType.COMMAND_REVOKE_KEY)
                .source("/audit-service")
                .accountId(owner)
                .actor("svc:audit-service")
                .subject(marker.getString("id"))
                .data("key_id", marker.getString("id"))
                .build());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "REVOKED".equals(Api.verifyCode(marker.getString("key"), "data:read")));
        assertThat(Api.verifyCode(key.getString("key"), "data:read")).isEqualTo("VALID");
    }

    @Test
    void aLeakedKeyIsRevokedWithALeakEventAndAnAlert() {
        String account = Api.newAccount("Leaky", "revoke");
        JsonPath key = Api.newKey(account, "data:read");
        String id = key.getString("id");
        try (EventTap tap = EventTap.open(Topics.KEY_EVENTS, Topics.SECURITY_ALERTS)) {
            report(List.of("nothing here", key.getString("key"), ApiKeyFormat.generate(Environment.LIVE)))
                    .then()
                    .statusCode(202)
                    .body("received", equalTo(3));
            CloudEvent leaked = tap.await(
                    e -> e.type().equals(EventType.KEY_LEAKED.type()) && id.equals(e.string("key_id")),
                    Duration.ofSeconds(30));
            assertThat(leaked.string("action")).isEqualTo("revoked");
            assertThat(leaked.string("leak_source")).isEqualTo("github.com/acme/app");
            CloudEvent alert = tap.await(
                    e -> e.type().equals(EventType.ALERT_RAISED.type()) && id.equals(e.string("key_id")),
                    Duration.ofSeconds(30));
            assertThat(alert.string("rule")).isEqualTo("api_key_leaked");
            assertThat(alert.strings("evidence")).containsExactly(leaked.id());
        }
        assertThat(Api.verifyCode(key.getString("key"), "data:read")).isEqualTo("REVOKED");
    }

    @Test
    void anAccountWhosePolicyIsSuspendGetsItsLeakedKeySuspended() {
        String account = Api.newAccount("Cautious", "suspend");
        JsonPath key = Api.newKey(account, "data:read");
        report(List.of(key.getString("key"))).then().statusCode(202);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "DISABLED".equals(Api.verifyCode(key.getString("key"), "data:read")));
    }

    @Test
    void leakReportsSayTheSameWhetherOrNotAnythingMatchedAndAreRateLimited() {
        String reporter = "key_scanner_" + System.nanoTime();
        String token =
                TestJwt.token("acc_scanner", "data:read").subject(reporter).sign();
        String first = leak(token, List.of(ApiKeyFormat.generate(Environment.TEST)))
                .then()
                .statusCode(202)
                .extract()
                .asString();
        String second = leak(token, List.of("ock_live_notakey"))
                .then()
                .statusCode(202)
                .extract()
                .asString();
        assertThat(first).isEqualTo(second);
        int status = 202;
        for (int i = 0; i < 40 && status == 202; i++) {
            status = leak(token, List.of("x")).statusCode();
        }
        assertThat(status).isEqualTo(429);
        leak(token, List.of("x")).then().statusCode(429).body("code", equalTo("too_many_reports"));

        given().contentType(ContentType.JSON)
                .body(Map.of("candidates", List.of("x")))
                .post("/v1/keys/leaks")
                .then()
                .statusCode(401);
        given().auth()
                .oauth2(TestJwt.token("acc_scanner", "data:read")
                        .subject("other_" + reporter)
                        .sign())
                .contentType(ContentType.JSON)
                .body(Map.of("candidates", List.of()))
                .post("/v1/keys/leaks")
                .then()
                .statusCode(400)
                .body("code", equalTo("candidates_required"));
    }

    private static io.restassured.response.Response report(List<String> candidates) {
        return given().auth()
                .oauth2(TestJwt.token("acc_scanner", "data:read")
                        .subject("key_scanner_" + System.nanoTime())
                        .sign())
                .contentType(ContentType.JSON)
                .body(Map.of("candidates", candidates, "source", "github.com/acme/app"))
                .post("/v1/keys/leaks");
    }

    private static io.restassured.response.Response leak(String token, List<String> candidates) {
        return given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("candidates", candidates))
                .post("/v1/keys/leaks");
    }
}
