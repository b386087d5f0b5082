package io.openclaw.token.refresh;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.Outcome;
import io.openclaw.events.Topics;
import io.openclaw.testing.EventTap;
import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaResource;
import io.openclaw.testing.PostgresResource;
import io.openclaw.testing.RedisResource;
import io.openclaw.token.device.IdleDeviceSweep;
import io.openclaw.token.support.Platform;
import io.openclaw.token.support.ShiftableClock;
import io.openclaw.token.support.UpstreamStandIns;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = UpstreamStandIns.class, restrictToAnnotatedClass = false)
class RefreshRotationIT {

    @Inject
    ShiftableClock clock;

    @Inject
    IdleDeviceSweep idleDeviceSweep;

    @Test
    void everyRefreshRotatesTheTokenAndKeepsTheGrantedScopes() {
        JsonPath paired = Platform.pairedDevice(Platform.randomAccount(), "data:read", "device:control");
        JsonPath first = Platform.refresh(paired.getString("refresh_token"))
                .then()
                .statusCode(200)
                .header("Cache-Control", "no-store")
                .body("scope", equalTo("data:read device:control"))
                .body("device_id", equalTo(paired.getString("device_id")))
                .extract()
                .jsonPath();
        assertThat(first.getString("refresh_token")).isNotEqualTo(paired.getString("refresh_token"));
        JsonPath second = Platform.refresh(first.getString("refresh_token"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(Platform.isActive(second.getString("access_token"))).isTrue();
    }

    @Test
    void aRefreshMayNarrowButNeverWidenTheScopes() {
        JsonPath paired = Platform.pairedDevice(Platform.randomAccount(), "data:read", "device:control");
        JsonPath narrowed = given().contentType(ContentType.URLENC)
                .formParam("grant_type", "refresh_token")
                .formParam("refresh_token", paired.getString("refresh_token"))
                .formParam("scope", "data:read")
                .post("/v1/oauth/token")
                .then()
                .statusCode(200)
                .body("scope", equalTo("data:read"))
                .extract()
                .jsonPath();
        given().contentType(ContentType.URLENC)
                .formParam("grant_type", "refresh_token")
                .formParam("refresh_token", narrowed.getString("refresh_token"))
                .formParam("scope", "data:read data:write")
                .post("/v1/oauth/token")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_scope"));
        // the refused request did not consume the token
        Platform.refresh(narrowed.getString("refresh_token")).then().statusCode(200);
    }

    @Test
    void theRefreshedEventNamesTheFamilyTheDeviceAndTheAccessTokenItCameWith() {
        String account = Platform.randomAccount();
        JsonPath paired = Platform.pairedDevice(account, "data:read", "device:control");
        String device = paired.getString("device_id");
        try (EventTap tap = EventTap.open(Topics.TOKEN_EVENTS)) {
            JsonPath first = given().contentType(ContentType.URLENC)
                    .header("User-Agent", "hub/1.0")
                    .formParam("grant_type", "refresh_token")
                    .formParam("refresh_token", paired.getString("refresh_token"))
                    .formParam("scope", "device:control device:control")
                    .post("/v1/oauth/token")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            JsonPath second = Platform.refresh(first.getString("refresh_token"))
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            for (JsonPath answer : List.of(first, second)) {
                JsonPath claims = claims(answer.getString("access_token"));
                CloudEvent refreshed = tap.await(
                        e -> e.type().equals(EventType.TOKEN_REFRESHED.type())
                                && claims.getString("jti").equals(e.string("jti")),
                        Duration.ofSeconds(20));
                assertThat(refreshed.accountId()).isEqualTo(account);
                assertThat(refreshed.actor()).isEqualTo(device);
                assertThat(refreshed.string("device_id")).isEqualTo(device);
                assertThat(refreshed.subject()).startsWith("fam_").isEqualTo(refreshed.string("family_id"));
                assertThat(refreshed.string("subject")).isEqualTo(refreshed.subject());
                assertThat(refreshed.partitionKey()).isEqualTo(account);
                assertThat(refreshed.string("kid"))
                        .isEqualTo(header(answer.getString("access_token")).getString("kid"));
                assertThat(Instant.parse(refreshed.string("expires_at")).getEpochSecond())
                        .isEqualTo(claims.getLong("exp"));
                assertThat(refreshed.strings("scopes"))
                        .isEqualTo(List.of(answer.getString("scope").split(" ")));
                assertThat(refreshed.outcome()).isEqualTo(Outcome.SUCCESS);
            }
            List<CloudEvent> chain = tap.matching(
                    e -> e.type().equals(EventType.TOKEN_REFRESHED.type()) && account.equals(e.accountId()));
            assertThat(chain).hasSize(2);
            assertThat(chain.get(0).strings("scopes")).containsExactly("device:control");
            assertThat(chain.get(0).userAgent()).isEqualTo("hub/1.0");
            assertThat(chain.get(1).strings("scopes")).containsExactly("data:read", "device:control");
            assertThat(chain.get(1).number("generation")).isEqualTo(chain.get(0).number("generation") + 1);
            assertThat(chain.get(1).subject()).isEqualTo(chain.get(0).subject());
        }
    }

    private static JsonPath claims(String jwt) {
        return part(jwt, 1);
    }

    private static JsonPath header(String jwt) {
        return part(jwt, 0);
    }

    private static JsonPath part(String jwt, int index) {
        return new JsonPath(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]), StandardCharsets.UTF_8));
    }

    @Test
    void reusedRefreshTokenRevokesTheWholeFamilyAndItsAccessTokens() {
        String account = Platform.randomAccount();
        JsonPath paired = Platform.pairedDevice(account, "data:read");
        JsonPath rotated = Platform.refresh(paired.getString("refresh_token"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        try (EventTap tap = EventTap.open(Topics.TOKEN_EVENTS)) {
            Platform.refresh(paired.getString("refresh_token"))
                    .then()
                    .statusCode(400)
                    .body("error", equalTo("invalid_grant"));
            CloudEvent reuse = tap.await(
                    e -> e.type().equals(EventType.TOKEN_REFRESH_REUSE_DETECTED.type())
                            && account.equals(e.accountId()),
                    Duration.ofSeconds(20));
            assertThat(reuse.string("device_id")).isEqualTo(paired.getString("device_id"));
            assertThat(reuse.reason()).isEqualTo("refresh_token_reuse");
        }
        Platform.refresh(rotated.getString("refresh_token"))
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));
        assertThat(Platform.isActive(rotated.getString("access_token"))).isFalse();
        assertThat(Platform.isActive(paired.getString("access_token"))).isFalse();
    }

    @Test
    void aReplayedRefreshTokenIsCountedOnceAsReuseInTheMetrics() {
        double before = Platform.metric("openclaw_token_refresh_reuse_detected_total");
        JsonPath paired = Platform.pairedDevice(Platform.randomAccount(), "data:read");
        Platform.refresh(paired.getString("refresh_token")).then().statusCode(200);
        Platform.refresh(paired.getString("refresh_token")).then().statusCode(400);
        assertThat(Platform.metric("openclaw_token_refresh_reuse_detected_total"))
                .isGreaterThanOrEqualTo(1.0)
                .isEqualTo(before + 1);
        // the family is revoked now: presenting the token again is refused without a second detection
        Platform.refresh(paired.getString("refresh_token")).then().statusCode(400);
        assertThat(Platform.metric("openclaw_token_refresh_reuse_detected_total"))
                .isEqualTo(before + 1);
        assertThat(Platform.metric("openclaw_outbox_lag_seconds{service=\"token-service\"}"))
                .isGreaterThanOrEqualTo(0.0);
        assertThat(Platform.metric("openclaw_token_grants_total{grant_type=\"refresh_token\",outcome=\"success\"}"))
                .isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void twentyConcurrentRefreshesOfOneTokenGiveExactlyOneSuccess() throws Exception {
        JsonPath paired = Platform.pairedDevice(Platform.randomAccount(), "data:read");
        String refreshToken = paired.getString("refresh_token");
        int parallel = 20;
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < parallel; i++) {
                Callable<Integer> call = () -> {
                    start.await();
                    return Platform.refresh(refreshToken).statusCode();
                };
                answers.add(pool.submit(call));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get());
            }
            assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
            assertThat(statuses).filteredOn(s -> s == 400).hasSize(parallel - 1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentRefreshesOfDifferentFamiliesAllRotateAndEachRecordsItsOwnEvent() throws Exception {
        // each answer, access token and event is its own device's, with the scopes that device asked for
        String account = Platform.randomAccount();
        int parallel = 24;
        List<JsonPath> devices = new ArrayList<>();
        for (int i = 0; i < parallel; i++) {
            devices.add(Platform.pairedDevice(account, "data:read", "device:control"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        CountDownLatch start = new CountDownLatch(1);
        try (EventTap tap = EventTap.open(Topics.TOKEN_EVENTS)) {
            List<Future<JsonPath>> answers = new ArrayList<>();
            for (int i = 0; i < parallel; i++) {
                String refreshToken = devices.get(i).getString("refresh_token");
                // every other device narrows its scopes
                boolean narrow = i % 2 == 0;
                Callable<JsonPath> call = () -> {
                    start.await();
                    var request = given().contentType(ContentType.URLENC)
                            .formParam("grant_type", "refresh_token")
                            .formParam("refresh_token", refreshToken);
                    if (narrow) {
                        request.formParam("scope", "device:control");
                    }
                    return request.post("/v1/oauth/token")
                            .then()
                            .statusCode(200)
                            .extract()
                            .jsonPath();
                };
                answers.add(pool.submit(call));
            }
            start.countDown();
            for (int i = 0; i < parallel; i++) {
                JsonPath rotated = answers.get(i).get();
                String device = devices.get(i).getString("device_id");
                String scope = i % 2 == 0 ? "device:control" : "data:read device:control";
                assertThat(rotated.getString("device_id")).isEqualTo(device);
                assertThat(rotated.getString("scope")).isEqualTo(scope);
                JsonPath claims = claims(rotated.getString("access_token"));
                assertThat(claims.getString("sub")).isEqualTo(device);
                assertThat(claims.getString("scope")).isEqualTo(scope);
                String jti = claims.getString("jti");
                CloudEvent refreshed = tap.await(
                        e -> e.type().equals(EventType.TOKEN_REFRESHED.type()) && jti.equals(e.string("jti")),
                        Duration.ofSeconds(20));
                assertThat(refreshed.actor()).isEqualTo(device);
                assertThat(refreshed.string("device_id")).isEqualTo(device);
                assertThat(refreshed.strings("scopes")).isEqualTo(List.of(scope.split(" ")));
                // pairing made generation 1
                assertThat(refreshed.number("generation")).isEqualTo(2L);
                // the successor was committed with its rotation: it rotates in turn, and the presented token
                // was spent
                Platform.refresh(rotated.getString("refresh_token")).then().statusCode(200);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFamilyIdleLongerThanTheIdleLifetimeCannotRefresh() {
        JsonPath paired = Platform.pairedDevice(Platform.randomAccount(), "data:read");
        clock.shift(Duration.ofDays(14).plusMinutes(1));
        Platform.refresh(paired.getString("refresh_token"))
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));
    }

    @Test
    void aFamilyUsedEveryFewDaysStillEndsAtItsAbsoluteLifetime() {
        JsonPath current = Platform.pairedDevice(Platform.randomAccount(), "data:read");
        for (int i = 0; i < 2; i++) {
            clock.shift(Duration.ofDays(13));
            current = Platform.refresh(current.getString("refresh_token"))
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
        }
        clock.shift(Duration.ofDays(5));
        Platform.refresh(current.getString("refresh_token"))
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));
        // a day past its absolute lifetime the family's token rows are purged; the device stays listed
        String deviceId = current.getString("device_id");
        clock.shift(Duration.ofDays(2));
        idleDeviceSweep.purge();
        assertThat(count("SELECT count(*) FROM refresh_token t JOIN refresh_family f ON f.id = t.family_id"
                        + " WHERE f.device_id = '" + deviceId + "'"))
                .isZero();
        assertThat(count("SELECT count(*) FROM device WHERE id = '" + deviceId + "'"))
                .isEqualTo(1);
    }

    private static int count(String sql) {
        String url = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("quarkus.datasource.jdbc.url", String.class);
        try (java.sql.Connection db = java.sql.DriverManager.getConnection(url, "postgres", "");
                java.sql.PreparedStatement select = db.prepareStatement(sql)) {
            java.sql.ResultSet row = select.executeQuery();
            row.next();
            return row.getInt(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theIdleDeviceJobRevokesDevicesIdlePastTheIdleLifetime() {
        String account = Platform.randomAccount();
        JsonPath idle = Platform.pairedDevice(account, "data:read");
        String idleDevice = idle.getString("device_id");
        clock.shift(Duration.ofDays(10));
        JsonPath busy = Platform.pairedDevice(account, "data:read");
        clock.shift(Duration.ofDays(5));
        try (EventTap tap = EventTap.open(Topics.TOKEN_EVENTS)) {
            assertThat(idleDeviceSweep.sweep()).isGreaterThanOrEqualTo(1);
            CloudEvent revoked = tap.await(
                    e -> e.type().equals(EventType.TOKEN_DEVICE_REVOKED.type()) && idleDevice.equals(e.subject()),
                    Duration.ofSeconds(20));
            assertThat(revoked.reason()).isEqualTo("idle");
        }
        List<Map<String, Object>> devices = given().auth()
                .oauth2(Platform.bearer(account, "key_owner", "devices:read"))
                .get("/v1/devices")
                .then()
                .statusCode(200)
                .extract()
                .path("devices");
        assertThat(devices)
                .anySatisfy(d -> {
                    assertThat(d.get("id")).isEqualTo(idleDevice);
                    assertThat(d.get("state")).isEqualTo("revoked");
                })
                .anySatisfy(d -> {
                    assertThat(d.get("id")).isEqualTo(busy.getString("device_id"));
                    assertThat(d.get("state")).isEqualTo("active");
                });
        Platform.refresh(busy.getString("refresh_token")).then().statusCode(200);
    }
}
