package io.openclaw.keys.apikey;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

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
import io.restassured.builder.ResponseSpecBuilder;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.ResponseSpecification;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Bad input found by fuzzing: each is a 400/404 problem+json, never a 500, and nothing is stored. */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
class BadInputIT {

    @Inject
    DataSource dataSource;

    @Test
    void aFieldNamedTwiceIsInvalidJsonNotAServerError() throws Exception {
        String account = Api.newAccount("Duplicates");
        create(account, "{\"name\":\"a\",\"name\":\"b\",\"scopes\":[\"data:read\"]}")
                .spec(problem("invalid_json"));
        create(account, "{\"name\":\"a\",\"scopes\":[\"data:read\"],\"rate_limit\":{\"requests\":1,\"requests\":2}}")
                .spec(problem("invalid_json"));
        // named again under an alias once the record is complete: Jackson's "no fallback setter" (was a 500)
        create(
                        account,
                        "{\"name\":\"a\",\"scopes\":[\"data:read\"],"
                                + "\"rate_limit\":{\"requests\":1,\"window_seconds\":60,\"limit\":2}}")
                .spec(problem("invalid_json"));
        assertThat(keysOf(account)).isZero();

        String id = Api.newKey(account, "data:read").getString("id");
        send(Api.manager(account), "POST", "/v1/keys/" + id + "/rotate", "{\"grace_seconds\":60,\"grace_seconds\":0}")
                .spec(problem("invalid_json"));
        assertThat(keysOf(account)).isEqualTo(1);
    }

    @Test
    void valuesOfTheWrongTypeAreRefusedNotCoerced() throws Exception {
        String account = Api.newAccount("Types");
        for (String body : List.of(
                "{\"name\":\"a\",\"scopes\":[\"data:read\"],\"rate_limit\":{\"requests\":\"10\"}}",
                "{\"name\":\"a\",\"scopes\":[\"data:read\"],\"rate_limit\":{\"requests\":1.5}}",
                "{\"name\":\"a\",\"scopes\":[\"data:read\"],\"rotation_policy\":{\"every_days\":1.5}}",
                "{\"name\":\"a\",\"scopes\":[\"data:read\"],\"rotation_policy\":{\"every_days\":\"30\"}}",
                "{\"name\":1,\"scopes\":[\"data:read\"]}")) {
            create(account, body).spec(problem("invalid_type"));
        }
        assertThat(keysOf(account)).isZero();

        String id = Api.newKey(account, "data:read").getString("id");
        send(Api.manager(account), "PATCH", "/v1/keys/" + id, "{\"enabled\":\"false\"}")
                .spec(problem("invalid_type"));
        given().auth()
                .oauth2(Api.manager(account))
                .get("/v1/keys/" + id)
                .then()
                .statusCode(200)
                .body("status", equalTo("active"));
        send(Api.manager(account), "POST", "/v1/keys/" + id + "/rotate", "{\"grace_seconds\":\"60\"}")
                .spec(problem("invalid_type"));
        assertThat(keysOf(account)).isEqualTo(1);
    }

    @Test
    void anExpiryBeyondTheYear9999IsRefused() throws Exception {
        String account = Api.newAccount("Far future");
        create(account, "{\"name\":\"a\",\"scopes\":[\"data:read\"],\"expires_at\":\"+999999999-12-31T23:59:59Z\"}")
                .spec(problem("invalid_expiry"))
                .body("detail", containsString("expires_at"));
        create(account, "{\"name\":\"a\",\"scopes\":[\"data:read\"],\"expires_at\":\"+10000-01-01T00:00:00Z\"}")
                .statusCode(400)
                .body("code", equalTo("invalid_expiry"));
        assertThat(keysOf(account)).isZero();

        String id = Api.newKey(account, "data:read").getString("id");
        send(Api.manager(account), "PATCH", "/v1/keys/" + id, "{\"expires_at\":\"+999999999-12-31T23:59:59Z\"}")
                .spec(problem("invalid_expiry"));
        create(account, "{\"name\":\"b\",\"scopes\":[\"data:read\"],\"expires_at\":\"9999-12-31T23:59:59Z\"}")
                .statusCode(201);
    }

    @Test
    void metadataWithControlOrBidiCharactersIsRefused() throws Exception {
        String account = Api.newAccount("Metadata");
        List<Map<String, Object>> bad = List.of(
                Map.of("a", "\u0000"),
                Map.of("a\u0000", "x"),
                Map.of("team", "billing\r\nadmin: yes"),
                Map.of("team\n", "billing"),
                Map.of("team", "\u202Egnillib"),
                Map.of("team\u2066", "billing"),
                Map.of("team", "a\u2028b"),
                Map.of("team", "a\u007Fb"),
                Map.of("team", "a\u0085b"),
                Map.of("nested", Map.of("deep", List.of("ok", "\u0000"))));
        for (Map<String, Object> metadata : bad) {
            create(account, Map.of("name", "a", "scopes", List.of("data:read"), "metadata", metadata))
                    .spec(problem("invalid_metadata"))
                    .body("detail", containsString("metadata"));
        }
        assertThat(keysOf(account)).isZero();

        String id = Api.newKey(
                        account,
                        Map.of(
                                "name",
                                "a",
                                "scopes",
                                List.of("data:read"),
                                "metadata",
                                Map.of("team", "Zürich café ✓")))
                .getString("id");
        for (Map<String, Object> metadata : bad) {
            send(Api.manager(account), "PATCH", "/v1/keys/" + id, Map.of("metadata", metadata))
                    .spec(problem("invalid_metadata"));
        }
        given().auth()
                .oauth2(Api.manager(account))
                .get("/v1/keys/" + id)
                .then()
                .statusCode(200)
                .body("metadata.team", equalTo("Zürich café ✓"));
    }

    @Test
    void malformedIdsInPathsAndQueriesNeverReachTheDatabase() {
        String account = Api.newAccount("Ids");
        given().auth()
                .oauth2(Api.admin())
                .queryParam("account_id", "\u0000")
                .get("/v1/keys")
                .then()
                .spec(problem("invalid_account_id"));
        given().auth()
                .oauth2(Api.manager(account))
                .queryParam("account_id", "acc_" + "x".repeat(100))
                .get("/v1/keys")
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_account_id"));
        for (String path : List.of("/v1/keys/%00", "/v1/keys/key_%00", "/v1/keys/%E2%80%AE")) {
            given().urlEncodingEnabled(false)
                    .auth()
                    .oauth2(Api.admin())
                    .get(path)
                    .then()
                    .statusCode(404)
                    .contentType("application/problem+json")
                    .body("code", equalTo("key_not_found"));
            given().urlEncodingEnabled(false)
                    .auth()
                    .oauth2(Api.manager(account))
                    .contentType(ContentType.JSON)
                    .body("{\"name\":\"x\"}")
                    .patch(path)
                    .then()
                    .statusCode(404)
                    .body("code", equalTo("key_not_found"));
            given().urlEncodingEnabled(false)
                    .auth()
                    .oauth2(Api.admin())
                    .delete(path)
                    .then()
                    .statusCode(404)
                    .body("code", equalTo("key_not_found"));
            given().urlEncodingEnabled(false)
                    .auth()
                    .oauth2(Api.admin())
                    .contentType(ContentType.JSON)
                    .body("{}")
                    .post(path + "/rotate")
                    .then()
                    .statusCode(404)
                    .body("code", equalTo("key_not_found"));
            given().urlEncodingEnabled(false)
                    .auth()
                    .oauth2(Api.admin())
                    .post(path + "/reveal")
                    .then()
                    .statusCode(404)
                    .contentType("application/problem+json");
        }
        given().urlEncodingEnabled(false)
                .auth()
                .oauth2(Api.admin())
                .get("/v1/accounts/%00")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("account_not_found"));
    }

    @Test
    void anExplicitAccountIdMustBeAWellFormedAccountId() throws Exception {
        for (String accountId : List.of("", " ", "acc_\u0000", "platform")) {
            given().auth()
                    .oauth2(Api.admin())
                    .contentType(ContentType.JSON)
                    .body(Map.of("name", "stray", "scopes", List.of("data:read"), "account_id", accountId))
                    .post("/v1/keys")
                    .then()
                    .spec(problem("invalid_account_id"));
        }
        assertThat(keysNamed("stray")).isZero();
    }

    @Test
    void emptyOrInvalidCidrsAreRefusedNotReadAsLoopback() throws Exception {
        String account = Api.newAccount("Cidrs");
        for (String cidr : List.of("", " ", "\u0000", "\u00001.2.3.4", "1.2.3.4\u0000", "*")) {
            create(account, Map.of("name", "a", "scopes", List.of("data:read"), "allowed_cidrs", List.of(cidr)))
                    .spec(problem("invalid_allowlist"));
        }
        assertThat(keysOf(account)).isZero();
        String id = Api.newKey(account, "data:read").getString("id");
        given().auth()
                .oauth2(Api.manager(account))
                .contentType(ContentType.JSON)
                .body(Map.of("allowed_cidrs", List.of("")))
                .patch("/v1/keys/" + id)
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_allowlist"));
        given().auth()
                .oauth2(Api.manager(account))
                .get("/v1/keys/" + id)
                .then()
                .statusCode(200)
                .body("allowed_cidrs", equalTo(List.of()));
    }

    @Test
    void namesWithInvisibleFormatCharactersAreRefused() throws Exception {
        String account = Api.newAccount("Look-alikes");
        for (String name : List.of("billing\u200B", "\uFEFFbilling", "bill\u200Eing", "bill\u061Cing")) {
            create(account, Map.of("name", name, "scopes", List.of("data:read")))
                    .spec(problem("invalid_name"));
            send(Api.admin(), "POST", "/v1/accounts", Map.of("name", name)).spec(problem("invalid_name"));
        }
        assertThat(keysOf(account)).isZero();
        Api.newKey(account, Map.of("name", "Zürich billing", "scopes", List.of("data:read")));
    }

    @Test
    void devicesCannotBeGivenAdministrativeScopesOrNone() {
        for (List<String> scopes : List.of(
                List.<String>of(),
                List.of("platform:admin"),
                List.of("data:read", "keys:manage"),
                List.of("keys:verify"),
                List.of("accounts:write"),
                List.of("audit:read"),
                List.of("alerts:manage"),
                List.of("tokens:introspect"),
                List.of("pairing:issue"))) {
            send(Api.admin(), "POST", "/v1/accounts", Map.of("name", "Scopes " + scopes, "device_scopes", scopes))
                    .spec(problem("invalid_device_scopes"));
        }
        given().auth()
                .oauth2(Api.admin())
                .contentType(ContentType.JSON)
                .body(Map.of("name", "Devices", "device_scopes", List.of("data:read", "device:control")))
                .post("/v1/accounts")
                .then()
                .statusCode(201);
    }

    @Test
    void leakSourcesWithControlOrBidiCharactersAreRefused() {
        String token = TestJwt.token("acc_scanner", "data:read")
                .subject("scanner_" + UUID.randomUUID())
                .sign();
        for (String source : List.of("repo\r\nfake: line", "repo\u0000", "repo\u2028x", "repo\u202Etxt.exe")) {
            given().auth()
                    .oauth2(token)
                    .contentType(ContentType.JSON)
                    .body(Map.of("candidates", List.of("x"), "source", source))
                    .post("/v1/keys/leaks")
                    .then()
                    .spec(problem("invalid_source"));
        }
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("candidates", List.of("x"), "source", "github.com/acme/app/blob/main/.env"))
                .post("/v1/keys/leaks")
                .then()
                .statusCode(202);
    }

    @Test
    void theUsageEventCarriesACleanedUserAgent() {
        String account = Api.newAccount("Agents");
        JsonPath created = Api.newKey(account, "data:read");
        String id = created.getString("id");
        String key = created.getString("key");
        String longAgent = "x".repeat(600);
        try (EventTap usage = EventTap.open(Topics.KEY_USAGE)) {
            verify(key, "agent\u0000one\r\n\u202E\u2028\u0085\u200Bend", "203.0.113.7\u0000")
                    .statusCode(200)
                    .body("code", equalTo("VALID"));
            CloudEvent used = usage.await(
                    e -> id.equals(e.string("key_id"))
                            && e.userAgent() != null
                            && e.userAgent().startsWith("agent"),
                    Duration.ofSeconds(20));
            assertThat(used.type()).isEqualTo(EventType.KEY_USED.type());
            assertThat(used.userAgent()).isEqualTo("agent?one??????end");
            assertThat(used.sourceIp()).isEqualTo("203.0.113.7");

            verify(key, "\u0001" + longAgent, null).statusCode(200).body("code", equalTo("VALID"));
            CloudEvent cut = usage.await(
                    e -> id.equals(e.string("key_id"))
                            && e.userAgent() != null
                            && e.userAgent().startsWith("?x"),
                    Duration.ofSeconds(20));
            assertThat(cut.userAgent()).hasSize(512);
        }
    }

    private static ValidatableResponse verify(String key, String userAgent, String clientIp) {
        Map<String, Object> body = new HashMap<>();
        body.put("key", key);
        body.put("required_scopes", List.of("data:read"));
        body.put("user_agent", userAgent);
        if (clientIp != null) {
            body.put("client_ip", clientIp);
        }
        return send(Api.tokenService(), "POST", "/v1/keys/verify", body);
    }

    private static ValidatableResponse create(String account, Object body) {
        return send(Api.manager(account), "POST", "/v1/keys", body);
    }

    /** A JSON request with the caller's token. */
    private static ValidatableResponse send(String token, String method, String path, Object body) {
        return given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(body)
                .request(method, path)
                .then();
    }

    /** A 400 answered as problem details with this code. */
    private static ResponseSpecification problem(String code) {
        return new ResponseSpecBuilder()
                .expectStatusCode(400)
                .expectContentType("application/problem+json")
                .expectBody("code", equalTo(code))
                .build();
    }

    private long keysOf(String account) throws Exception {
        return count("SELECT count(*) FROM api_keys WHERE account_id = ?", account);
    }

    private long keysNamed(String name) throws Exception {
        return count("SELECT count(*) FROM api_keys WHERE name = ?", name);
    }

    private long count(String sql, String value) throws Exception {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, value);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}
