package io.openclaw.token.grant;

import static io.openclaw.token.support.Platform.DEVICE_GRANT;
import static io.openclaw.token.support.Platform.PAIRING_GRANT;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.Topics;
import io.openclaw.testing.EventTap;
import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaResource;
import io.openclaw.testing.PostgresResource;
import io.openclaw.testing.RedisResource;
import io.openclaw.token.access.AccessTokenVerifier;
import io.openclaw.token.support.Platform;
import io.openclaw.token.support.UpstreamStandIns;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = UpstreamStandIns.class, restrictToAnnotatedClass = false)
class GrantsIT {

    @Inject
    AccessTokenVerifier verifier;

    @AfterEach
    void upstreamsBackUp() {
        Platform.upstreams(false, false);
    }

    @Test
    void pairingCodeExchangeCreatesADeviceAndAnswersTokensThatAreNotCached() {
        String account = Platform.randomAccount();
        try (EventTap tap = EventTap.open(Topics.TOKEN_EVENTS)) {
            JsonPath answer = Platform.exchange(Platform.issueCode(account, "data:read", "device:control"))
                    .then()
                    .statusCode(200)
                    .header("Cache-Control", "no-store")
                    .body("token_type", equalTo("Bearer"))
                    .body("expires_in", equalTo(900))
                    .body("scope", equalTo("data:read device:control"))
                    .body("refresh_token", startsWith("ocr_"))
                    .body("device_id", startsWith("dev_"))
                    .extract()
                    .jsonPath();
            String deviceId = answer.getString("device_id");
            JwtClaims claims = verifier.verify(answer.getString("access_token")).orElseThrow();
            assertThat(claims.getClaimValueAsString("sub")).isEqualTo(deviceId);
            assertThat(claims.getClaimValueAsString("acc")).isEqualTo(account);

            CloudEvent paired = tap.await(
                    e -> e.type().equals(EventType.TOKEN_DEVICE_PAIRED.type()) && deviceId.equals(e.subject()),
                    Duration.ofSeconds(20));
            assertThat(paired.accountId()).isEqualTo(account);
            assertThat(paired.strings("scopes")).containsExactly("data:read", "device:control");
            CloudEvent issued = tap.await(
                    e -> e.type().equals(EventType.TOKEN_ISSUED.type()) && deviceId.equals(e.subject()),
                    Duration.ofSeconds(20));
            assertThat(issued.string("grant_type")).isEqualTo(PAIRING_GRANT);
            assertThat(issued.string("jti")).isEqualTo(claims.getClaimValueAsString("jti"));
        }
    }

    @Test
    void thePairingCallAndTheEventsOfAnExchangeCarryTheRequestsTrace() {
        String account = Platform.randomAccount();
        try (EventTap tap = EventTap.open(Topics.TOKEN_EVENTS)) {
            String deviceId = Platform.exchange(Platform.issueCode(account, "data:read"))
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("device_id");
            String sent = given().baseUri(Platform.standIn())
                    .get("/test/last-traceparent")
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("traceparent");
            assertThat(sent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
            CloudEvent issued = tap.await(
                    e -> e.type().equals(EventType.TOKEN_ISSUED.type()) && deviceId.equals(e.subject()),
                    Duration.ofSeconds(20));
            // the same trace: the W3C trace id is the second field
            assertThat(issued.traceparent()).isNotNull();
            assertThat(issued.traceparent().split("-")[1]).isEqualTo(sent.split("-")[1]);
        }
    }

    @Test
    void theJsonTwinPairsWithTheSameAnswer() {
        String code = Platform.issueCode(Platform.randomAccount(), "data:read");
        given().contentType(ContentType.JSON)
                .body(Map.of("pairing_code", code.toLowerCase(), "device_name", "Kitchen"))
                .post("/v1/auth/pair")
                .then()
                .statusCode(200)
                .header("Cache-Control", "no-store")
                .body("access_token", notNullValue())
                .body("refresh_token", startsWith("ocr_"))
                .body("scope", equalTo("data:read"))
                .body("device_id", startsWith("dev_"));
    }

    @Test
    void aUsedCodeIsRefusedWithPairingServicesReason() {
        String code = Platform.issueCode(Platform.randomAccount(), "data:read");
        Platform.exchange(code).then().statusCode(200);
        Platform.exchange(code)
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"))
                .body("error_description", equalTo("code_used"));
        Platform.exchange("ZZZZ-ZZZZ-ZZZZ")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"))
                .body("error_description", equalTo("invalid_code"));
    }

    @Test
    void aCodeRedeemedTwiceUpstreamFailsAndRevokesTheFamilyTheFirstExchangeMade() {
        String code = Platform.issueCode(Platform.randomAccount(), "data:read");
        JsonPath first =
                Platform.exchange(code).then().statusCode(200).extract().jsonPath();
        Platform.replayCode(code);
        Platform.exchange(code)
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"))
                .body("error_description", equalTo("code_used"));
        Platform.refresh(first.getString("refresh_token"))
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));
        assertThat(Platform.isActive(first.getString("access_token"))).isFalse();
    }

    @Test
    void badRequestsAreClearOAuthErrorsNeverServerErrors() {
        given().contentType(ContentType.URLENC)
                .formParam("pairing_code", "ABCD")
                .post("/v1/oauth/token")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
        given().contentType(ContentType.URLENC)
                .formParam("grant_type", "password")
                .post("/v1/oauth/token")
                .then()
                .statusCode(400)
                .body("error", equalTo("unsupported_grant_type"));
        given().contentType(ContentType.URLENC)
                .formParam("grant_type", PAIRING_GRANT)
                .post("/v1/oauth/token")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
        given().contentType(ContentType.URLENC)
                .formParam("grant_type", "refresh_token")
                .formParam("grant_type", "refresh_token")
                .post("/v1/oauth/token")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
        given().contentType(ContentType.URLENC)
                .formParam("grant_type", "refresh_token")
                .formParam("refresh_token", "not-a-token")
                .post("/v1/oauth/token")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));
        // a body that is not form encoding: a broken escape, a cut-off escape, bytes that are not UTF-8
        for (String body : List.of(
                "grant_type=%zz",
                "grant_type=refresh_token&refresh_token=ock_rt_secret%",
                "grant_type=client_credentials&client_id=k&client_secret=ock_live_secret%ff%fe")) {
            String answer = given().contentType(ContentType.URLENC)
                    .body(body)
                    .post("/v1/oauth/token")
                    .then()
                    .statusCode(400)
                    .contentType(ContentType.JSON)
                    .body("error", equalTo("invalid_request"))
                    .body("error_description", startsWith("the form body"))
                    .extract()
                    .asString();
            assertThat(answer).doesNotContain("secret");
        }
    }

    @Test
    void theJsonTwinRejectsBadJsonAsOAuthErrorsLikeItsOtherErrors() {
        for (String body : List.of(
                "{\"pairing_code\":\"ABCD-EFGH-JKMN\",\"admin\":true}",
                "{\"pairing_code\":[1,2]}",
                "{\"pairing_code\":",
                // a field named twice is refused, not a 500 and not the last value winning
                "{\"pairing_code\":\"ABCD-EFGH-JKMN\",\"device_name\":\"a\",\"device_name\":\"b\"}",
                // a number is not coerced to a string
                "{\"pairing_code\":\"ABCD-EFGH-JKMN\",\"device_name\":5}",
                "{\"pairing_code\":\"ABCD-EFGH-JKMN\"} {}")) {
            given().contentType(ContentType.JSON)
                    .body(body)
                    .post("/v1/auth/pair")
                    .then()
                    .statusCode(400)
                    .contentType(ContentType.JSON)
                    .header("Cache-Control", "no-store")
                    .body("error", equalTo("invalid_request"))
                    .body("error_description", notNullValue())
                    .body("code", org.hamcrest.Matchers.nullValue());
        }
        given().contentType(ContentType.TEXT)
                .body("pairing_code=ABCD-EFGH-JKMN")
                .post("/v1/auth/pair")
                .then()
                .statusCode(415)
                .contentType(ContentType.JSON)
                .body("error", equalTo("invalid_request"));
        given().contentType(ContentType.JSON)
                .body("{\"pairing_code\":\"" + "A".repeat(70_000) + "\"}")
                .post("/v1/auth/pair")
                .then()
                .statusCode(413);
    }

    @Test
    void oauthEndpointsAnswerAWrongMethodOrContentTypeWithOAuthErrorJson() {
        for (String path : List.of("/v1/oauth/token", "/v1/oauth/revoke", "/v1/oauth/introspect")) {
            for (ContentType type : List.of(ContentType.JSON, ContentType.TEXT)) {
                given().contentType(type)
                        .body(type == ContentType.JSON ? "{\"token\":\"x\"}" : "token=x")
                        .post(path)
                        .then()
                        .statusCode(415)
                        .contentType(ContentType.JSON)
                        .body("error", equalTo("invalid_request"))
                        .body("error_description", notNullValue());
            }
            given().multiPart("token", "x")
                    .post(path)
                    .then()
                    .statusCode(415)
                    .contentType(ContentType.JSON)
                    .body("error", equalTo("invalid_request"));
            for (String method : List.of("GET", "PUT", "DELETE", "PATCH")) {
                given().contentType(ContentType.URLENC)
                        .body("token=x")
                        .request(method, path)
                        .then()
                        .statusCode(405)
                        .header("Allow", org.hamcrest.Matchers.containsString("POST"))
                        .contentType(ContentType.JSON)
                        .body("error", equalTo("invalid_request"));
            }
        }
        // elsewhere errors stay problem+json
        given().auth()
                .oauth2(Platform.bearer(Platform.randomAccount(), "key_x", "devices:read"))
                .put("/v1/devices")
                .then()
                .statusCode(405)
                .contentType("application/problem+json")
                .body("code", equalTo("method_not_allowed"));
    }

    @Test
    void deviceCodePollingAnswersExactlyAsRfc8628SaysThenTokensOnce() {
        String account = Platform.randomAccount();
        for (String state : List.of("authorization_pending", "slow_down", "access_denied", "expired_token")) {
            String deviceCode = "dc-" + state + "-" + account;
            authorization(deviceCode, account, state);
            pollDeviceCode(deviceCode, account).then().statusCode(400).body("error", equalTo(state));
        }
        String deviceCode = "dc-approved-" + account;
        authorization(deviceCode, account, "approved");
        pollDeviceCode(deviceCode, account)
                .then()
                .statusCode(200)
                .body("scope", equalTo("data:read"))
                .body("refresh_token", startsWith("ocr_"))
                .body("device_id", startsWith("dev_"));
        pollDeviceCode(deviceCode, account).then().statusCode(400).body("error", equalTo("invalid_grant"));
    }

    @Test
    void clientCredentialsGrantsExactlyTheRequestedScopesWithinTheKeys() {
        String account = Platform.randomAccount();
        String keyId = "key_" + account.substring(4);
        String secret = Platform.registerKey(keyId, account, "VALID", "pairing:issue", "devices:read");

        JsonPath all = Platform.clientCredentials(keyId, secret, null)
                .then()
                .statusCode(200)
                .header("Cache-Control", "no-store")
                .body("scope", equalTo("pairing:issue devices:read"))
                .extract()
                .jsonPath();
        assertThat(all.getString("refresh_token")).isNull();
        JwtClaims claims = verifier.verify(all.getString("access_token")).orElseThrow();
        assertThat(claims.getClaimValueAsString("acc")).isEqualTo(account);
        assertThat(claims.getClaimValueAsString("client_id")).isEqualTo(keyId);

        Platform.clientCredentials(keyId, secret, "devices:read")
                .then()
                .statusCode(200)
                .body("scope", equalTo("devices:read"));
        Platform.clientCredentials(keyId, secret, "devices:read platform:admin")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_scope"));
        Platform.clientCredentials("key_someoneelse", secret, null)
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"));
        Platform.clientCredentials(keyId, "ock_test_" + "x".repeat(38), null)
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"));
        given().auth()
                .preemptive()
                .basic(keyId, secret)
                .contentType(ContentType.URLENC)
                .formParam("grant_type", "client_credentials")
                .post("/v1/oauth/token")
                .then()
                .statusCode(200)
                .body("scope", equalTo("pairing:issue devices:read"));
    }

    @Test
    void concurrentClientCredentialsGrantsEachCommitExactlyTheirOwnIssuedEvent() throws Exception {
        // the issued events of concurrent grants share group commits: each must still be there, once, for its token
        String account = Platform.randomAccount();
        String keyId = "key_c" + account.substring(4);
        String secret = Platform.registerKey(keyId, account, "VALID", "devices:read");
        int grants = 48;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try (EventTap tap = EventTap.open(Topics.TOKEN_EVENTS)) {
            List<java.util.concurrent.Future<String>> tokens = new java.util.ArrayList<>();
            for (int i = 0; i < grants; i++) {
                tokens.add(pool.submit(() -> Platform.clientCredentials(keyId, secret, null)
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("access_token")));
            }
            java.util.Set<String> jtis = new java.util.HashSet<>();
            for (java.util.concurrent.Future<String> token : tokens) {
                jtis.add(verifier.verify(token.get(30, java.util.concurrent.TimeUnit.SECONDS))
                        .orElseThrow()
                        .getJwtId());
            }
            assertThat(jtis).hasSize(grants);
            for (String jti : jtis) {
                tap.await(
                        e -> e.type().equals(EventType.TOKEN_ISSUED.type()) && jti.equals(e.string("jti")),
                        Duration.ofSeconds(20));
            }
            List<String> published =
                    tap
                            .matching(e -> e.type().equals(EventType.TOKEN_ISSUED.type()) && keyId.equals(e.subject()))
                            .stream()
                            .map(e -> e.string("jti"))
                            .toList();
            assertThat(published).hasSize(grants).containsExactlyInAnyOrderElementsOf(jtis);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void revokedOrSuspendedKeysAreInvalidClients() {
        String account = Platform.randomAccount();
        String revoked = Platform.registerKey("key_r" + account.substring(4), account, "REVOKED", "devices:read");
        Platform.clientCredentials("key_r" + account.substring(4), revoked, null)
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"))
                .body("error_description", equalTo("client authentication failed"));
    }

    @Test
    void thePlatformAdminKeysTokenCarriesAccPlatformAndPlatformAdmin() {
        String secret = Platform.registerKey(
                "key_platform_admin", "acc_platform", "VALID", "platform:admin", "keys:manage", "audit:read");
        String token = Platform.clientCredentials("key_platform_admin", secret, null)
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");
        JwtClaims claims = verifier.verify(token).orElseThrow();
        assertThat(claims.getClaimValueAsString("acc")).isEqualTo("acc_platform");
        assertThat(claims.getClaimValueAsString("scope")).contains("platform:admin");
    }

    @Test
    void positiveKeyVerificationsAreCachedForSecondsNotRecheckedEveryTime() {
        String account = Platform.randomAccount();
        String keyId = "key_c" + account.substring(4);
        String secret = Platform.registerKey(keyId, account, "VALID", "devices:read");
        Platform.clientCredentials(keyId, secret, null).then().statusCode(200);
        Platform.clientCredentials(keyId, secret, null).then().statusCode(200);
        assertThat(Platform.verificationCalls(keyId)).isEqualTo(1);
    }

    @Test
    void aRotatedKeyEventDropsTheCachedVerificationSoTheNextGrantAsksAgain() {
        String account = Platform.randomAccount();
        String keyId = "key_v" + account.substring(4);
        String secret = Platform.registerKey(keyId, account, "VALID", "devices:read");
        Platform.clientCredentials(keyId, secret, null).then().statusCode(200);
        // key-rotation-service now refuses the key (its grace ended); the cache still says valid
        Platform.changeKey(secret, keyId, account, "EXPIRED", "devices:read");
        Platform.clientCredentials(keyId, secret, null).then().statusCode(200);
        assertThat(Platform.verificationCalls(keyId)).isEqualTo(1);
        EventTap.publish(CloudEvent.builder(EventType.KEY_ROTATED)
                .source("/key-rotation-service")
                .accountId(account)
                .actor("key_owner")
                .subject(keyId)
                .data("key_id", keyId)
                .data("successor_id", "key_successor")
                .build());
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> Platform.clientCredentials(keyId, secret, null).statusCode() == 401);
    }

    @Test
    void aRateLimitedKeyGetsNoMoreTokensThanItsLimitSequentiallyOrConcurrently() throws Exception {
        String account = Platform.randomAccount();
        String keyId = "key_l" + account.substring(4);
        String secret = Platform.registerRateLimitedKey(keyId, account, 3, "devices:read");
        List<Integer> statuses = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            statuses.add(Platform.clientCredentials(keyId, secret, null).statusCode());
        }
        assertThat(statuses).containsExactly(200, 200, 200, 429, 429, 429);

        String concurrentKeyId = "key_m" + account.substring(4);
        String concurrentSecret = Platform.registerRateLimitedKey(concurrentKeyId, account, 3, "devices:read");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> Platform.clientCredentials(concurrentKeyId, concurrentSecret, null)
                        .statusCode()));
            }
            List<Integer> concurrent = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<Integer> answer : answers) {
                concurrent.add(answer.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(concurrent).filteredOn(status -> status == 200).hasSize(3);
            assertThat(concurrent).filteredOn(status -> status == 429).hasSize(5);
        } finally {
            pool.shutdownNow();
        }
        Platform.clientCredentials(keyId, secret, null)
                .then()
                .statusCode(429)
                .header("Retry-After", notNullValue())
                .body("error", equalTo("invalid_client"));
    }

    @Test
    void anUnreachableUpstreamAnswers503TemporarilyUnavailable() {
        String code = Platform.issueCode(Platform.randomAccount(), "data:read");
        Platform.upstreams(true, true);
        Platform.exchange(code).then().statusCode(503).body("error", equalTo("temporarily_unavailable"));
        String account = Platform.randomAccount();
        String keyId = "key_d" + account.substring(4);
        String secret = Platform.registerKey(keyId, account, "VALID", "devices:read");
        Platform.clientCredentials(keyId, secret, null)
                .then()
                .statusCode(503)
                .body("error", equalTo("temporarily_unavailable"));
        Platform.upstreams(false, false);
        Platform.exchange(code).then().statusCode(200);
    }

    @Test
    void upstreamCallsCarryAFiveMinuteServiceTokenWithExactlyTheServiceScopes() throws Exception {
        Platform.exchange(Platform.issueCode(Platform.randomAccount(), "data:read"))
                .then()
                .statusCode(200);
        String token = given().baseUri(Platform.standIn())
                .get("/test/last-authorization")
                .then()
                .extract()
                .path("token");
        JwtClaims claims = verifier.verify(token).orElseThrow();
        assertThat(claims.getClaimValueAsString("sub")).isEqualTo("svc:token-service");
        assertThat(claims.hasClaim("acc")).isFalse();
        assertThat(claims.getClaimValueAsString("scope")).isEqualTo("pairing:redeem keys:verify");
        assertThat(claims.getClaimValue("exp", Long.class) - claims.getClaimValue("iat", Long.class))
                .isEqualTo(300);
    }

    private static void authorization(String deviceCode, String account, String state) {
        given().baseUri(Platform.standIn())
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "device_code", deviceCode,
                        "client_id", account,
                        "state", state,
                        "authorization_id", "da_" + deviceCode.hashCode(),
                        "account_id", account,
                        "scopes", List.of("data:read")))
                .post("/test/device-authorizations")
                .then()
                .statusCode(204);
    }

    private static io.restassured.response.Response pollDeviceCode(String deviceCode, String clientId) {
        return given().contentType(ContentType.URLENC)
                .formParam("grant_type", DEVICE_GRANT)
                .formParam("device_code", deviceCode)
                .formParam("client_id", clientId)
                .post("/v1/oauth/token");
    }
}
