package io.openclaw.keys.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.openclaw.keys.support.Api;
import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaBroker;
import io.openclaw.testing.KafkaResource;
import io.openclaw.testing.PostgresResource;
import io.openclaw.testing.RedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(FailClosedAuditIT.FailClosed.class)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
class FailClosedAuditIT {

    /** The fail-closed audit switch on, with a short bound. */
    public static class FailClosed implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("openclaw.audit.fail-closed", "true", "openclaw.audit.fail-closed-timeout", "2s");
        }
    }

    @Test
    void withoutTheBrokerNoKeyIsIssuedAndAfterItsRestartKeysAreIssuedAgain() {
        String account = Api.newAccount("Fail closed");
        String name = "unaudited-" + System.nanoTime();
        KafkaBroker.shared().stop();
        try {
            createKey(account, name)
                    .then()
                    .statusCode(503)
                    .header("Retry-After", notNullValue())
                    .body("code", equalTo("audit_unavailable"))
                    .body("key", org.hamcrest.Matchers.nullValue());
            List<Map<String, Object>> named = keysNamed(account, name);
            assertThat(named)
                    .as("a key created while its event could not be handed over is never usable")
                    .allSatisfy(key -> assertThat(key.get("status")).isEqualTo("revoked"));
        } finally {
            KafkaBroker.shared().start();
        }
        String created = await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(2))
                .until(
                        () -> {
                            var response = createKey(account, "audited");
                            return response.statusCode() == 201
                                    ? response.jsonPath().getString("key")
                                    : null;
                        },
                        key -> key != null);
        assertThat(Api.verifyCode(created)).isEqualTo("VALID");
    }

    private static io.restassured.response.Response createKey(String account, String name) {
        return given().auth()
                .oauth2(Api.manager(account))
                .contentType(ContentType.JSON)
                .body(Map.of("name", name, "scopes", List.of("data:read")))
                .post("/v1/keys");
    }

    private static List<Map<String, Object>> keysNamed(String account, String name) {
        JsonPath keys = given().auth()
                .oauth2(Api.manager(account))
                .get("/v1/keys")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        List<Map<String, Object>> all = keys.getList("keys");
        return all.stream().filter(key -> name.equals(key.get("name"))).toList();
    }
}
