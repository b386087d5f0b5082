package io.openclaw.keys.rotation;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.Topics;
import io.openclaw.keys.support.Api;
import io.openclaw.keys.support.ShiftableClock;
import io.openclaw.testing.EventTap;
import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaResource;
import io.openclaw.testing.PostgresResource;
import io.openclaw.testing.RedisResource;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
class RotationIT {

    @Inject
    ShiftableClock clock;

    @Inject
    ScheduledWork scheduledWork;

    @Inject
    KeyRotation rotation;

    @Inject
    Scheduler scheduler;

    @Inject
    DataSource dataSource;

    @Test
    void bothKeysWorkDuringTheGraceAndTheOldOneIsDeadAfterIt() {
        String account = Api.newAccount("Manual rotation");
        JsonPath old = Api.newKey(
                account,
                Map.of(
                        "name",
                        "rotating",
                        "scopes",
                        List.of("data:read"),
                        "allowed_cidrs",
                        List.of("203.0.113.0/24"),
                        "metadata",
                        Map.of("owner", "ops")));
        String oldId = old.getString("id");
        try (EventTap tap = EventTap.open(Topics.KEY_EVENTS)) {
            JsonPath rotated = given().auth()
                    .oauth2(Api.manager(account))
                    .contentType(ContentType.JSON)
                    .body(Map.of("grace_seconds", 3600))
                    .post("/v1/keys/" + oldId + "/rotate")
                    .then()
                    .statusCode(201)
                    .body("previous.id", equalTo(oldId))
                    .body("previous.stage", equalTo("previous"))
                    .body("stage", equalTo("current"))
                    .body("rotated_from", equalTo(oldId))
                    .body("allowed_cidrs", equalTo(List.of("203.0.113.0/24")))
                    .body("metadata.owner", equalTo("ops"))
                    .extract()
                    .jsonPath();
            String newKey = rotated.getString("key");
            String newId = rotated.getString("id");
            assertThat(newKey).isNotEqualTo(old.getString("key"));

            assertThat(Api.verifyCode(old.getString("key"), "data:read")).isEqualTo("VALID");
            assertThat(Api.verifyCode(newKey, "data:read")).isEqualTo("VALID");
            CloudEvent event = tap.await(
                    e -> e.type().equals(EventType.KEY_ROTATED.type()) && oldId.equals(e.string("key_id")),
                    Duration.ofSeconds(20));
            assertThat(event.string("successor_id")).isEqualTo(newId);

            given().auth()
                    .oauth2(Api.manager(account))
                    .contentType(ContentType.JSON)
                    .body(Map.of("grace_seconds", 60))
                    .post("/v1/keys/" + oldId + "/rotate")
                    .then()
                    .statusCode(409)
                    .body("code", equalTo("key_not_rotatable"));

            clock.shift(Duration.ofSeconds(3601));
            assertThat(Api.verifyCode(old.getString("key"), "data:read")).isEqualTo("EXPIRED");
            assertThat(Api.verifyCode(newKey, "data:read")).isEqualTo("VALID");

            scheduledWork.runOnce();
            tap.await(
                    e -> e.type().equals(EventType.KEY_RETIRED.type()) && oldId.equals(e.string("key_id")),
                    Duration.ofSeconds(20));
            given().auth()
                    .oauth2(Api.manager(account))
                    .get("/v1/keys/" + oldId)
                    .then()
                    .body("status", equalTo("retired"))
                    .body("successor_id", equalTo(newId));
        }
    }

    @Test
    void aBadGraceIsRefused() {
        String account = Api.newAccount("Bad grace");
        String id = Api.newKey(account, "data:read").getString("id");
        given().auth()
                .oauth2(Api.manager(account))
                .contentType(ContentType.JSON)
                .body(Map.of("grace_seconds", -5))
                .post("/v1/keys/" + id + "/rotate")
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_grace"));
    }

    @Test
    void aDueScheduledRotationHappensExactlyOnceWhenReplicasRaceForIt() throws Exception {
        String account = Api.newAccount("Scheduled");
        String id = policyKey(account);
        try (EventTap tap = EventTap.open(Topics.KEY_EVENTS)) {
            clock.shift(Duration.ofDays(1).plusMinutes(1));
            ExecutorService replicas = Executors.newFixedThreadPool(4);
            try {
                List<Callable<Object>> ticks = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    ticks.add(() -> {
                        scheduledWork.runOnce();
                        return null;
                    });
                }
                for (Future<Object> tick : replicas.invokeAll(ticks)) {
                    tick.get();
                }
            } finally {
                replicas.shutdownNow();
            }
            Predicate<CloudEvent> rotated =
                    e -> e.type().equals(EventType.KEY_ROTATED.type()) && id.equals(e.string("key_id"));
            tap.await(rotated, Duration.ofSeconds(20));
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> tap.matching(rotated).size() == 1);
        }
        assertThat(successors(id)).hasSize(1);
        String successor = successors(id).get(0);
        given().auth()
                .oauth2(Api.manager(account))
                .get("/v1/keys/" + successor)
                .then()
                .body("stage", equalTo("current"))
                .body("rotation_policy.every_days", equalTo(1));

        given().auth()
                .oauth2(Api.manager(Api.newAccount("Not the owner")))
                .post("/v1/keys/" + successor + "/reveal")
                .then()
                .statusCode(404);
        String key = given().auth()
                .oauth2(Api.manager(account))
                .post("/v1/keys/" + successor + "/reveal")
                .then()
                .statusCode(200)
                .header("Cache-Control", "no-store")
                .extract()
                .path("key");
        Api.verify(key, List.of("data:read"), null)
                .then()
                .body("code", equalTo("VALID"))
                .body("key_id", equalTo(successor));
        given().auth()
                .oauth2(Api.manager(account))
                .post("/v1/keys/" + successor + "/reveal")
                .then()
                .statusCode(404)
                .body("code", equalTo("nothing_to_reveal"));
        given().auth().oauth2(Api.manager(account)).get("/v1/keys/" + id).then().body("stage", equalTo("previous"));
    }

    @Test
    void aCrashBetweenStepsResumesWithoutDoublingOrSkippingAStep() throws Exception {
        scheduler.pause();
        try {
            String account = Api.newAccount("Crash");
            String id = policyKey(account);
            clock.shift(Duration.ofDays(1).plusMinutes(1));
            assertThat(rotation.startDueRotations()).isGreaterThanOrEqualTo(1);
            boolean stepped;
            do {
                stepped = rotation.advanceOne();
            } while (stepped && successors(id).isEmpty());
            // the process dies here: step 1 committed (pending successor), step 2 not taken
            assertThat(successors(id)).hasSize(1);
            assertThat(stage(successors(id).get(0))).isEqualTo("pending");
            assertThat(stage(id)).isEqualTo("current");

            try (EventTap tap = EventTap.open(Topics.KEY_EVENTS)) {
                // a fresh replica picks the run up
                rotation.startDueRotations();
                rotation.advanceRuns();
                rotation.advanceRuns();
                Predicate<CloudEvent> rotated =
                        e -> e.type().equals(EventType.KEY_ROTATED.type()) && id.equals(e.string("key_id"));
                tap.await(rotated, Duration.ofSeconds(20));
                await().during(Duration.ofSeconds(1))
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> tap.matching(rotated).size() == 1);
            }
            assertThat(successors(id)).hasSize(1);
            assertThat(stage(successors(id).get(0))).isEqualTo("current");
            assertThat(stage(id)).isEqualTo("previous");
            assertThat(runSteps(id)).containsExactly("promoted");
        } finally {
            scheduler.resume();
        }
    }

    @Test
    void expiryNoticesGoOutThirtyFifteenAndSevenDaysBeforeOnceEachThenTheKeyExpires() {
        String account = Api.newAccount("Expiring");
        String expiry = clock.instant().plus(Duration.ofDays(40)).toString();
        String id = Api.newKey(account, Map.of("name", "expiring", "scopes", List.of("a"), "expires_at", expiry))
                .getString("id");
        try (EventTap tap = EventTap.open(Topics.KEY_EVENTS)) {
            Predicate<CloudEvent> expiring =
                    e -> e.type().equals(EventType.KEY_EXPIRING.type()) && id.equals(e.string("key_id"));
            scheduledWork.runOnce();
            clock.shift(Duration.ofDays(10).plusHours(1));
            scheduledWork.runOnce();
            scheduledWork.runOnce();
            tap.await(expiring.and(e -> Long.valueOf(30).equals(e.number("days_left"))), Duration.ofSeconds(20));
            clock.shift(Duration.ofDays(15));
            scheduledWork.runOnce();
            tap.await(expiring.and(e -> Long.valueOf(15).equals(e.number("days_left"))), Duration.ofSeconds(20));
            clock.shift(Duration.ofDays(8));
            scheduledWork.runOnce();
            scheduledWork.runOnce();
            tap.await(expiring.and(e -> Long.valueOf(7).equals(e.number("days_left"))), Duration.ofSeconds(20));
            clock.shift(Duration.ofDays(7));
            scheduledWork.runOnce();
            tap.await(
                    e -> e.type().equals(EventType.KEY_EXPIRED.type()) && id.equals(e.string("key_id")),
                    Duration.ofSeconds(20));
            scheduledWork.runOnce();
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> tap.matching(expiring).size() == 3);
            assertThat(tap.matching(expiring).stream().map(e -> e.number("days_left")))
                    .containsExactly(30L, 15L, 7L);
        }
    }

    @Test
    void tokenServiceIsToldToRotateItsSigningKeyOnScheduleExactlyOnce() throws Exception {
        try (EventTap tap = EventTap.open(Topics.SECURITY_COMMANDS)) {
            clock.shift(Duration.ofDays(91));
            ExecutorService replicas = Executors.newFixedThreadPool(3);
            try {
                List<Callable<Object>> ticks = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    ticks.add(() -> {
                        scheduledWork.runOnce();
                        return null;
                    });
                }
                for (Future<Object> tick : replicas.invokeAll(ticks)) {
                    tick.get();
                }
            } finally {
                replicas.shutdownNow();
            }
            Predicate<CloudEvent> command = e -> e.type().equals(EventType.COMMAND_ROTATE_SIGNING_KEY.type());
            CloudEvent event = tap.await(command, Duration.ofSeconds(20));
            assertThat(event.string("alg")).isEqualTo("RS256");
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> tap.matching(command).size() == 1);
        }
    }

    private String policyKey(String account) {
        return Api.newKey(
                        account,
                        Map.of(
                                "name",
                                "scheduled",
                                "scopes",
                                List.of("data:read"),
                                "rotation_policy",
                                Map.of("every_days", 1, "grace_seconds", 600)))
                .getString("id");
    }

    private List<String> successors(String id) throws Exception {
        return strings("SELECT id FROM api_keys WHERE rotated_from = ? ORDER BY created_at", id);
    }

    private String stage(String id) throws Exception {
        return strings("SELECT stage FROM api_keys WHERE id = ?", id).get(0);
    }

    private List<String> runSteps(String keyId) throws Exception {
        return strings("SELECT step FROM rotation_runs WHERE key_id = ?", keyId);
    }

    private List<String> strings(String sql, String param) throws Exception {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, param);
            List<String> values = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        }
    }
}
