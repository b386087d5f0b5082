package io.openclaw.keys.support;

import static io.restassured.RestAssured.given;

import io.openclaw.testing.TestJwt;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;

/** Calls the service's HTTP API the way its clients do, with test access tokens. */
public final class Api {

    public static final String BOOTSTRAP_KEY = "ock_test_BootstrapAdminKeyForTests00000001NhVnv";

    private Api() {}

    public static String admin() {
        return TestJwt.platformAdmin().sign();
    }

    /** A token of token-service's service principal: {@code keys:verify}, no account. */
    public static String tokenService() {
        return TestJwt.token(null, "keys:verify", "pairing:redeem")
                .subject("svc:token-service")
                .clientId("svc:token-service")
                .sign();
    }

    public static String manager(String accountId) {
        return TestJwt.token(accountId, "keys:manage").sign();
    }

    /** Creates an account as platform admin and returns its id. */
    public static String newAccount(String name) {
        return newAccount(name, "revoke");
    }

    public static String newAccount(String name, String leakPolicy) {
        return given().auth()
                .oauth2(admin())
                .contentType(ContentType.JSON)
                .body(Map.of("name", name, "leak_policy", leakPolicy))
                .post("/v1/accounts")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    /** Creates a key with the body's properties and returns the whole answer (with "key"). */
    public static JsonPath newKey(String accountId, Map<String, Object> body) {
        return given().auth()
                .oauth2(manager(accountId))
                .contentType(ContentType.JSON)
                .body(body)
                .post("/v1/keys")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
    }

    public static JsonPath newKey(String accountId, String... scopes) {
        return newKey(accountId, Map.of("name", "backend", "scopes", List.of(scopes)));
    }

    public static Response verify(String key, List<String> scopes, String clientIp) {
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("key", key);
        body.put("required_scopes", scopes);
        if (clientIp != null) {
            body.put("client_ip", clientIp);
        }
        return given().auth()
                .oauth2(tokenService())
                .contentType(ContentType.JSON)
                .header("User-Agent", "token-service/test")
                .body(body)
                .post("/v1/keys/verify");
    }

    public static String verifyCode(String key, String... scopes) {
        return verify(key, List.of(scopes), "203.0.113.7")
                .then()
                .statusCode(200)
                .extract()
                .path("code");
    }
}
