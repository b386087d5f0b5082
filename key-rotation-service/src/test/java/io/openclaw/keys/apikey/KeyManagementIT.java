package io.openclaw.keys.apikey;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.Topics;
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
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
class KeyManagementIT {

    @Inject
    DataSource dataSource;

    @Test
    void platformAdminCreatesAnAccountAndItIsAnnouncedWithItsDeviceCatalog() {
        try (EventTap tap = EventTap.open(Topics.KEY_EVENTS)) {
            JsonPath account = given().auth()
                    .oauth2(Api.admin())
                    .contentType(ContentType.JSON)
                    .body(Map.of("name", "Acme Devices", "device_scopes", List.of("data:read", "device:control")))
                    .post("/v1/accounts")
                    .then()
                    .statusCode(201)
                    .body("name", equalTo("Acme Devices"))
                    .extract()
                    .jsonPath();
            String id = account.getString("id");
            assertThat(id).matches("^acc_[0-9A-Za-z]{16}$");

            CloudEvent created = tap.await(
                    e -> e.type().equals(EventType.ACCOUNT_CREATED.type()) && id.equals(e.accountId()),
                    Duration.ofSeconds(20));
            assertThat(created.strings("device_scopes")).containsExactly("data:read", "device:control");
            assertThat(created.string("device_client_id")).isEqualTo(id);
            assertThat(created.string("name")).isEqualTo("Acme Devices");

            given().auth()
                    .oauth2(Api.admin())
                    .get("/v1/accounts/" + id)
                    .then()
                    .statusCode(200)
                    .body("device_scopes", equalTo(List.of("data:read", "device:control")));
        }
    }

    @Test
    void accountsWithoutACatalogGetTheDefaultDeviceScopes() {
        String id = Api.newAccount("Defaults");
        given().auth()
                .oauth2(TestJwt.token(id, "keys:manage").sign())
                .get("/v1/accounts/" + id)
                .then()
                .statusCode(200)
                .body("device_scopes", hasItem("ai:translation"))
                .body("device_client_id", equalTo(id));
    }

    @Test
    void onlyAPlatformAdminCreatesAccountsAndAccountsCannotReadEachOther() {
        String mine = Api.newAccount("Mine");
        String theirs = Api.newAccount("Theirs");
        given().auth()
                .oauth2(Api.manager(mine))
                .contentType(ContentType.JSON)
                .body(Map.of("name", "Sneaky"))
                .post("/v1/accounts")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(Api.manager(mine))
                .get("/v1/accounts/" + theirs)
                .then()
                .statusCode(404)
                .body("code", equalTo("account_not_found"));
        given().contentType(ContentType.JSON)
                .body(Map.of("name", "Anonymous"))
                .post("/v1/accounts")
                .then()
                .statusCode(401);
        given().auth()
                .oauth2(Api.admin())
                .contentType(ContentType.JSON)
                .body(Map.of("name", "Acme\r\nInc"))
                .post("/v1/accounts")
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_name"));
    }

    @Test
    void theKeyIsShownOnceAndOnlyItsHashIdAndPrefixAreStored() throws Exception {
        String account = Api.newAccount("Storage");
        JsonPath created = Api.newKey(
                account,
                Map.of(
                        "name",
                        "billing backend",
                        "scopes",
                        List.of("data:read"),
                        "environment",
                        "test",
                        "metadata",
                        Map.of("team", "billing")));
        String key = created.getString("key");
        String id = created.getString("id");
        assertThat(key).matches("^ock_test_[0-9A-Za-z]{38}$");
        assertThat(id).matches("^key_[0-9A-Za-z]{16}$");
        assertThat(created.getString("prefix")).isEqualTo(key.substring(0, 12));

        given().auth()
                .oauth2(Api.manager(account))
                .get("/v1/keys/" + id)
                .then()
                .statusCode(200)
                .body("key", nullValue())
                .body("metadata.team", equalTo("billing"))
                .body("stage", equalTo("current"))
                .body(not(containsString(key.substring(12))));
        given().auth()
                .oauth2(Api.manager(account))
                .get("/v1/keys")
                .then()
                .statusCode(200)
                .body("keys.id", hasItem(id))
                .body(not(containsString(key.substring(12))));

        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT key_hash, display_prefix, row_to_json(api_keys)::text AS whole FROM api_keys WHERE id = ?")) {
            query.setString(1, id);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getBytes("key_hash")).isEqualTo(ApiKeyFormat.sha256(key));
                assertThat(row.getString("display_prefix")).isEqualTo(key.substring(0, 12));
                assertThat(row.getString("whole")).doesNotContain(key.substring(12));
            }
        }
    }

    @Test
    void anotherAccountsKeyIsNotFoundForEveryOperation() {
        String owner = Api.newAccount("Owner");
        String stranger = Api.newAccount("Stranger");
        String id = Api.newKey(owner, "data:read").getString("id");
        String token = Api.manager(stranger);

        given().auth()
                .oauth2(token)
                .get("/v1/keys/" + id)
                .then()
                .statusCode(404)
                .body("code", equalTo("key_not_found"));
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "mine now"))
                .patch("/v1/keys/" + id)
                .then()
                .statusCode(404);
        given().auth().oauth2(token).delete("/v1/keys/" + id).then().statusCode(404);
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("grace_seconds", 60))
                .post("/v1/keys/" + id + "/rotate")
                .then()
                .statusCode(404);
        given().auth().oauth2(token).get("/v1/keys").then().statusCode(200).body("keys.id", not(hasItem(id)));
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "planted", "scopes", List.of("data:read"), "account_id", owner))
                .post("/v1/keys")
                .then()
                .statusCode(404);
        given().auth().oauth2(Api.manager(owner)).get("/v1/keys/" + id).then().statusCode(200);
    }

    @Test
    void badBodiesAreClearProblemsNeverServerErrors() {
        String account = Api.newAccount("Validation");
        String token = Api.manager(account);
        expectProblem(token, "{\"name\":\"x\",\"scopes\":[\"data:read\"],\"colour\":\"red\"}", 400, "unknown_field");
        expectProblem(token, "{\"name\":\"x\",\"scopes\":\"data:read\"}", 400, "invalid_type");
        expectProblem(token, "{\"name\":\"x\",\"scopes\":[\"data:read\"], ", 400, "invalid_json");
        expectProblem(token, "{\"scopes\":[\"data:read\"]}", 400, "invalid_name");
        given().auth()
                .oauth2(token)
                .urlEncodingEnabled(false)
                .queryParam("after", "key_a%00")
                .get("/v1/keys")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("invalid_cursor"));
        // names go into events and logs: no line breaks, tabs or bidi overrides that make them read otherwise
        for (String name : List.of("a\\r\\nb", "a\\tb", "a\\u202Eb", "a\\u0000b")) {
            expectProblem(token, "{\"name\":\"" + name + "\",\"scopes\":[\"data:read\"]}", 400, "invalid_name");
        }
        expectProblem(token, "{\"name\":\"x\",\"scopes\":[]}", 400, "invalid_scopes");
        expectProblem(token, "{\"name\":\"x\",\"scopes\":[\"platform:admin\"]}", 403, "scope_not_grantable");
        expectProblem(
                token, "{\"name\":\"x\",\"scopes\":[\"a\"],\"environment\":\"prod\"}", 400, "invalid_environment");
        expectProblem(
                token,
                "{\"name\":\"x\",\"scopes\":[\"a\"],\"allowed_cidrs\":[\"10.0.0.0/33\"]}",
                400,
                "invalid_allowlist");
        expectProblem(
                token,
                "{\"name\":\"x\",\"scopes\":[\"a\"],\"expires_at\":\"2001-01-01T00:00:00Z\"}",
                400,
                "invalid_expiry");
        expectProblem(token, "{\"name\":\"x\",\"scopes\":[\"a\"],\"expires_at\":\"soon\"}", 400, "invalid_type");
        expectProblem(
                token,
                "{\"name\":\"x\",\"scopes\":[\"a\"],\"rate_limit\":{\"requests\":0}}",
                400,
                "invalid_rate_limit");
        expectProblem(
                token,
                "{\"name\":\"x\",\"scopes\":[\"a\"],\"rotation_policy\":{\"every_days\":0}}",
                400,
                "invalid_rotation_policy");

        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body("{\"name\":\"" + "x".repeat(70_000) + "\",\"scopes\":[\"a\"]}")
                .post("/v1/keys")
                .then()
                .statusCode(413);
        given().auth()
                .oauth2(token)
                .get("/v1/keys?limit=lots")
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_limit"));
        given().auth()
                .oauth2(TestJwt.token(account, "data:read").sign())
                .contentType(ContentType.JSON)
                .body(Map.of("name", "x", "scopes", List.of("a")))
                .post("/v1/keys")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
    }

    @Test
    void patchChangesScopesAndLimitsAndDisablesAndEnablesTheKey() {
        String account = Api.newAccount("Patching");
        JsonPath created = Api.newKey(account, "data:read");
        String id = created.getString("id");
        String key = created.getString("key");
        assertThat(Api.verifyCode(key, "data:read")).isEqualTo("VALID");

        given().auth()
                .oauth2(Api.manager(account))
                .contentType(ContentType.JSON)
                .body(Map.of("enabled", false))
                .patch("/v1/keys/" + id)
                .then()
                .statusCode(200)
                .body("status", equalTo("disabled"));
        assertThat(Api.verifyCode(key, "data:read")).isEqualTo("DISABLED");

        given().auth()
                .oauth2(Api.manager(account))
                .contentType(ContentType.JSON)
                .body(Map.of("status", "active", "scopes", List.of("data:write"), "rate_limit", Map.of("requests", 50)))
                .patch("/v1/keys/" + id)
                .then()
                .statusCode(200)
                .body("status", equalTo("active"))
                .body("scopes", equalTo(List.of("data:write")))
                .body("rate_limit.window_seconds", equalTo(60));
        assertThat(Api.verifyCode(key, "data:read")).isEqualTo("INSUFFICIENT_SCOPE");
        assertThat(Api.verifyCode(key, "data:write")).isEqualTo("VALID");
    }

    @Test
    void aRevokedKeyStopsVerifyingAtOnceAndTheRevocationIsPublished() {
        String account = Api.newAccount("Revocation");
        JsonPath created = Api.newKey(account, "data:read");
        String id = created.getString("id");
        String key = created.getString("key");
        assertThat(Api.verifyCode(key, "data:read")).isEqualTo("VALID");

        try (EventTap tap = EventTap.open(Topics.KEY_EVENTS)) {
            given().auth()
                    .oauth2(Api.manager(account))
                    .delete("/v1/keys/" + id)
                    .then()
                    .statusCode(204);
            assertThat(Api.verifyCode(key, "data:read")).isEqualTo("REVOKED");
            CloudEvent revoked = tap.await(
                    e -> e.type().equals(EventType.KEY_REVOKED.type()) && id.equals(e.string("key_id")),
                    Duration.ofSeconds(20));
            assertThat(revoked.accountId()).isEqualTo(account);
            assertThat(revoked.partitionKey()).isEqualTo(account);
        }
        given().auth()
                .oauth2(Api.manager(account))
                .delete("/v1/keys/" + id)
                .then()
                .statusCode(204);
        given().auth().oauth2(Api.manager(account)).get("/v1/keys/" + id).then().body("status", equalTo("revoked"));
    }

    @Test
    void theBootstrapAdminKeyFromConfigurationVerifiesWithPlatformScopes() {
        Api.verify(Api.BOOTSTRAP_KEY, List.of("platform:admin", "keys:manage"), "198.51.100.1")
                .then()
                .statusCode(200)
                .body("valid", equalTo(true))
                .body("code", equalTo("VALID"))
                .body("key_id", equalTo("key_platform_admin"))
                .body("account_id", equalTo("acc_platform"));
    }

    @Test
    void platformAdminCreatesTheFirstKeyOfANewAccount() {
        String account = Api.newAccount("Fresh");
        String key = given().auth()
                .oauth2(Api.admin())
                .contentType(ContentType.JSON)
                .body(Map.of("name", "first", "scopes", List.of("pairing:issue"), "account_id", account))
                .post("/v1/keys")
                .then()
                .statusCode(201)
                .body("account_id", equalTo(account))
                .extract()
                .path("key");
        Api.verify(key, List.of("pairing:issue"), null)
                .then()
                .body("code", equalTo("VALID"))
                .body("account_id", equalTo(account));
    }

    private static void expectProblem(String token, String body, int status, String code) {
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/v1/keys")
                .then()
                .statusCode(status)
                .contentType("application/problem+json")
                .body("code", equalTo(code))
                .body("status", equalTo(status));
    }
}
