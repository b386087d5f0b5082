package io.openclaw.pairing;

import static io.openclaw.pairing.Api.as;
import static io.openclaw.pairing.Api.newAccount;
import static io.openclaw.pairing.Api.owner;
import static io.openclaw.pairing.Api.poll;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.Topics;
import io.openclaw.testing.EventTap;
import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaResource;
import io.openclaw.testing.RedisResource;
import io.openclaw.testing.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
class DeviceFlowIT {

    private static final Duration INTERVAL = Duration.ofSeconds(5);

    @Inject
    MutableClock clock;

    private static Response authorize(String clientId, String scope) {
        var request = given().contentType(ContentType.URLENC).formParam("client_id", clientId);
        if (scope != null) {
            request.formParam("scope", scope);
        }
        return request.post("/v1/oauth/device_authorization");
    }

    private static JsonPath started(String account, String scope) {
        return authorize(account, scope).then().statusCode(200).extract().jsonPath();
    }

    private static Response verify(String token, String userCode, String action, List<String> scopes) {
        Map<String, Object> body = new HashMap<>(Map.of("user_code", userCode, "action", action));
        if (scopes != null) {
            body.put("scopes", scopes);
        }
        return as(token).body(body).post("/v1/device/verify");
    }

    @Test
    void aDeviceIsApprovedWithFewerScopesAndCollectsItOnceAfterPollingPolitely() {
        String account = newAccount();
        try (EventTap tap = EventTap.open(Topics.PAIRING_EVENTS)) {
            JsonPath start = authorize(account, "data:read device:control")
                    .then()
                    .statusCode(200)
                    .header("Cache-Control", "no-store")
                    .body("device_code", matchesPattern("[A-Za-z0-9_-]{43}"))
                    .body("user_code", matchesPattern("[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}"))
                    .body("verification_uri", equalTo("http://localhost:8080/device"))
                    .body("expires_in", equalTo(600))
                    .body("interval", equalTo(5))
                    .extract()
                    .jsonPath();
            String deviceCode = start.getString("device_code");
            String userCode = start.getString("user_code");
            assertThat(start.getString("verification_uri_complete"))
                    .isEqualTo("http://localhost:8080/device?user_code=" + userCode);

            poll(deviceCode, account).then().statusCode(400).body("error", equalTo("authorization_pending"));
            poll(deviceCode, account)
                    .then()
                    .statusCode(400)
                    .body("error", equalTo("slow_down"))
                    .body("interval", equalTo(10));
            // still too fast: slowed down again, the interval grows once per answered poll
            clock.shift(Duration.ofSeconds(2));
            poll(deviceCode, account)
                    .then()
                    .statusCode(400)
                    .body("error", equalTo("slow_down"))
                    .body("interval", equalTo(10));
            clock.shift(Duration.ofSeconds(9));
            poll(deviceCode, account).then().statusCode(400).body("error", equalTo("authorization_pending"));

            verify(owner(account), userCode.toLowerCase(), "approve", List.of("data:read"))
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("approved"))
                    .body("scopes", equalTo(List.of("data:read")));
            verify(owner(account), userCode, "deny", null)
                    .then()
                    .statusCode(400)
                    .body("code", equalTo("invalid_user_code"));

            clock.shift(Duration.ofSeconds(11));
            String authorizationId = poll(deviceCode, account)
                    .then()
                    .statusCode(200)
                    .body("account_id", equalTo(account))
                    .body("scopes", equalTo(List.of("data:read")))
                    .body("authorization_id", matchesPattern("da_[0-9a-z]{20}"))
                    .extract()
                    .path("authorization_id");
            clock.shift(Duration.ofSeconds(11));
            poll(deviceCode, account).then().statusCode(400).body("error", equalTo("invalid_grant"));

            CloudEvent requested = tap.await(
                    e -> e.type().equals(EventType.PAIRING_DEVICE_AUTHORIZATION_REQUESTED.type())
                            && authorizationId.equals(e.subject()),
                    Duration.ofSeconds(30));
            assertThat(requested.strings("scopes")).containsExactly("data:read", "device:control");
            CloudEvent approved = tap.await(
                    e -> e.type().equals(EventType.PAIRING_DEVICE_AUTHORIZATION_APPROVED.type())
                            && authorizationId.equals(e.subject()),
                    Duration.ofSeconds(30));
            assertThat(approved.strings("scopes")).containsExactly("data:read");
            EventContract.assertValid(requested);
            EventContract.assertValid(approved);
            assertThat(tap.anyRecordText(t -> t.contains(deviceCode) || t.contains(userCode)))
                    .isFalse();
        }
    }

    @Test
    void aDeniedDeviceIsToldOnceAndThenForgotten() {
        String account = newAccount();
        JsonPath start = started(account, "data:read");
        verify(owner(account), start.getString("user_code"), "deny", null)
                .then()
                .statusCode(200)
                .body("status", equalTo("denied"));
        poll(start.getString("device_code"), account).then().statusCode(400).body("error", equalTo("access_denied"));
        clock.shift(INTERVAL.plusSeconds(1));
        poll(start.getString("device_code"), account).then().statusCode(400).body("error", equalTo("invalid_grant"));
    }

    @Test
    void anExpiredDeviceCodeIsToldOnceAndThenForgotten() {
        String account = newAccount();
        JsonPath start = started(account, null);
        clock.shift(Duration.ofSeconds(601));
        verify(owner(account), start.getString("user_code"), "approve", null)
                .then()
                .statusCode(400)
                .body("code", equalTo("expired_user_code"));
        poll(start.getString("device_code"), account).then().statusCode(400).body("error", equalTo("expired_token"));
        poll(start.getString("device_code"), account).then().statusCode(400).body("error", equalTo("invalid_grant"));
    }

    @Test
    void onlyTheOwningAccountCanDecideAndOnlyWithScopesItMayGrant() {
        String account = newAccount();
        JsonPath start = started(account, "data:read data:write");
        String userCode = start.getString("user_code");
        verify(owner(newAccount()), userCode, "approve", null)
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_user_code"));
        verify(owner(account), userCode, "approve", List.of("device:control"))
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_scope"));
        String narrow = TestJwt.token(account, "pairing:issue", "data:read").sign();
        verify(narrow, userCode, "approve", List.of("data:write"))
                .then()
                .statusCode(403)
                .body("code", equalTo("scope_not_grantable"));
        verify(narrow, userCode, "approve", null).then().statusCode(200).body("scopes", equalTo(List.of("data:read")));
        verify(owner(account), userCode, "approve", null).then().statusCode(400);
    }

    @Test
    void wrongUserCodesLockOutTheApproverButNotOthers() {
        String account = newAccount();
        JsonPath start = started(account, "data:read");
        String guesser = TestJwt.token(account, "pairing:issue", "data:read")
                .subject("key_guesser")
                .sign();
        for (int i = 0; i < 10; i++) {
            verify(guesser, io.openclaw.pairing.secret.CodeAlphabet.USER_CODE.generate(), "approve", null)
                    .then()
                    .statusCode(400)
                    .body("code", equalTo("invalid_user_code"));
        }
        verify(guesser, start.getString("user_code"), "approve", null)
                .then()
                .statusCode(429)
                .header("Retry-After", matchesPattern("\\d+"))
                .body("code", equalTo("too_many_attempts"));
        verify(owner(account), start.getString("user_code"), "approve", null)
                .then()
                .statusCode(200);
        clock.shift(Duration.ofMinutes(16));
    }

    @Test
    void badDeviceAuthorizationRequestsGetOAuthErrors() {
        authorize("", "data:read").then().statusCode(400).body("error", equalTo("invalid_request"));
        given().contentType(ContentType.URLENC)
                .formParam("scope", "data:read")
                .post("/v1/oauth/device_authorization")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
        authorize("not-a-client", "data:read").then().statusCode(401).body("error", equalTo("invalid_client"));
        for (String body : List.of("client_id=%zz&scope=data:read", "client_id=a&scope=data%", "client_id=%C3")) {
            given().contentType(ContentType.URLENC)
                    .body(body)
                    .post("/v1/oauth/device_authorization")
                    .then()
                    .statusCode(400)
                    .body("error", equalTo("invalid_request"))
                    .body("error_description", startsWith("the form body"));
        }
        given().contentType(ContentType.URLENC)
                .body("client_id=a&client_id=b&scope=data:read")
                .post("/v1/oauth/device_authorization")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
        authorize(newAccount(), "keys:manage")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_scope"))
                .body("error_description", matchesPattern(".*keys:manage.*"));
    }

    @Test
    void badVerificationsAndPollsAreClear4xx() {
        String account = newAccount();
        verify(owner(account), "BCDF-GHJ", "approve", null)
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_format"));
        verify(owner(account), "AEIO-UAEI", "approve", null)
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_format"));
        verify(owner(account), "BCDF-GHJK", "maybe", null)
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_request"));
        poll("short", account).then().statusCode(400).body("error", equalTo("invalid_grant"));
        as(owner(account))
                .body(Map.of("device_code", "x".repeat(43), "client_id", account))
                .post("/internal/v1/device-authorizations/poll")
                .then()
                .statusCode(403);
        JsonPath start = started(account, "data:read");
        poll(start.getString("device_code"), newAccount())
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));
    }
}
