package io.openclaw.pairing;

import static io.restassured.RestAssured.given;

import io.openclaw.testing.TestJwt;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Calls the service the way owners and token-service do. */
final class Api {

    static final List<String> DEFAULT_CATALOG = List.of(
            "data:read",
            "data:write",
            "device:control",
            "user:profile:read",
            "ai:sentiment_analysis",
            "ai:translation");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SERVICE_TOKEN = TestJwt.token(null, "pairing:redeem", "keys:verify")
            .subject("svc:token-service")
            .sign();

    private Api() {}

    static String newAccount() {
        return "acc_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** An owner's key of the account holding pairing:issue and every default device scope. */
    static String owner(String account) {
        String[] scopes = new String[DEFAULT_CATALOG.size() + 1];
        scopes[0] = "pairing:issue";
        for (int i = 0; i < DEFAULT_CATALOG.size(); i++) {
            scopes[i + 1] = DEFAULT_CATALOG.get(i);
        }
        return TestJwt.token(account, scopes).sign();
    }

    static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    static Response issue(String token, Map<String, Object> body) {
        return as(token).body(body).post("/v1/pairing-codes");
    }

    /** Issues a code for data:read with the given label and answers the response body. */
    static Map<String, Object> issueCode(String account, String label) {
        return issue(owner(account), Map.of("scopes", List.of("data:read"), "ttl_seconds", 300, "label", label))
                .then()
                .statusCode(201)
                .extract()
                .jsonPath()
                .getMap("");
    }

    static Response redeem(String code, String ip) {
        return as(SERVICE_TOKEN)
                .body(Map.of("code", code, "source_ip", ip, "user_agent", "hub/1.2"))
                .post("/internal/v1/redemptions");
    }

    static Response poll(String deviceCode, String clientId) {
        return as(SERVICE_TOKEN)
                .body(Map.of("device_code", deviceCode, "client_id", clientId, "source_ip", "198.51.100.7"))
                .post("/internal/v1/device-authorizations/poll");
    }

    static String serviceToken() {
        return SERVICE_TOKEN;
    }

    /** A random IPv4 address in 10.0.0.0/8, so tests do not share lockouts by accident. */
    static String randomIp() {
        return "10." + RANDOM.nextInt(256) + "." + RANDOM.nextInt(256) + "." + (1 + RANDOM.nextInt(254));
    }

    /** A well-formed code that was never issued. */
    static String randomCode() {
        return io.openclaw.pairing.secret.CodeAlphabet.PAIRING.generate();
    }
}
