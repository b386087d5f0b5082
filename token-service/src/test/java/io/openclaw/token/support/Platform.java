package io.openclaw.token.support;

import static io.restassured.RestAssured.given;

import io.openclaw.token.access.AccessTokenMinter;
import io.quarkus.arc.Arc;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;

/** Drives token-service and its stand-in upstreams the way devices, backends and owners do. */
public final class Platform {

    public static final String PAIRING_GRANT = "urn:openclaw:params:oauth:grant-type:pairing_code";
    public static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
    private static final String CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Platform() {}

    public static String standIn() {
        return ConfigProvider.getConfig().getValue("openclaw.test.stand-in-url", String.class);
    }

    public static String randomAccount() {
        return "acc_" + random(BASE62, 10);
    }

    /** A pairing code known to the stand-in pairing-service; returns the code as shown to users. */
    public static String issueCode(String accountId, String... scopes) {
        String code = random(CODE_ALPHABET, 12);
        String shown = code.substring(0, 4) + "-" + code.substring(4, 8) + "-" + code.substring(8);
        given().baseUri(standIn())
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "code",
                        shown,
                        "pairing_id",
                        "pc_" + random(BASE62, 12),
                        "account_id",
                        accountId,
                        "scopes",
                        Arrays.asList(scopes),
                        "label",
                        "Living Room Hub"))
                .post("/test/pairing-codes")
                .then()
                .statusCode(204);
        return shown;
    }

    public static void replayCode(String code) {
        given().baseUri(standIn())
                .contentType(ContentType.JSON)
                .body(Map.of("code", code))
                .post("/test/pairing-codes/replay")
                .then()
                .statusCode(204);
    }

    /** Exchanges a pairing code at {@code POST /v1/oauth/token}. */
    public static Response exchange(String code) {
        return given().contentType(ContentType.URLENC)
                .formParam("grant_type", PAIRING_GRANT)
                .formParam("pairing_code", code)
                .formParam("device_name", "Hub")
                .post("/v1/oauth/token");
    }

    /** A paired device's first token response. */
    public static JsonPath pairedDevice(String accountId, String... scopes) {
        return exchange(issueCode(accountId, scopes))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    public static Response refresh(String refreshToken) {
        return given().contentType(ContentType.URLENC)
                .formParam("grant_type", "refresh_token")
                .formParam("refresh_token", refreshToken)
                .post("/v1/oauth/token");
    }

    /** Registers an API key with the stand-in key-rotation-service; returns the secret. */
    public static String registerKey(String keyId, String accountId, String status, String... scopes) {
        return changeKey("ock_test_" + random(BASE62, 38), keyId, accountId, status, scopes);
    }

    /** Registers (or changes) the stand-in's record of a given API key; returns the secret. */
    public static String changeKey(String secret, String keyId, String accountId, String status, String... scopes) {
        given().baseUri(standIn())
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "secret", secret,
                        "key_id", keyId,
                        "account_id", accountId,
                        "status", status,
                        "scopes", Arrays.asList(scopes)))
                .post("/test/keys")
                .then()
                .statusCode(204);
        return secret;
    }

    /** Registers an API key with {@code rate_limit: {"requests": requests}} in one window; returns the secret. */
    public static String registerRateLimitedKey(String keyId, String accountId, int requests, String... scopes) {
        String secret = "ock_test_" + random(BASE62, 38);
        given().baseUri(standIn())
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "secret",
                        secret,
                        "key_id",
                        keyId,
                        "account_id",
                        accountId,
                        "status",
                        "VALID",
                        "scopes",
                        Arrays.asList(scopes),
                        "rate_limit",
                        Map.of("requests", requests, "window_seconds", 60)))
                .post("/test/keys")
                .then()
                .statusCode(204);
        return secret;
    }

    public static int verificationCalls(String keyId) {
        return given().baseUri(standIn())
                .get("/test/keys/calls?key_id=" + keyId)
                .then()
                .statusCode(200)
                .extract()
                .path("calls");
    }

    public static Response clientCredentials(String keyId, String secret, String scope) {
        var request = given().contentType(ContentType.URLENC)
                .formParam("grant_type", "client_credentials")
                .formParam("client_id", keyId)
                .formParam("client_secret", secret);
        if (scope != null) {
            request.formParam("scope", scope);
        }
        return request.post("/v1/oauth/token");
    }

    public static void upstreams(boolean pairingDown, boolean keysDown) {
        given().baseUri(standIn())
                .contentType(ContentType.JSON)
                .body(Map.of("pairing_down", pairingDown, "keys_down", keysDown))
                .post("/test/mode")
                .then()
                .statusCode(204);
    }

    /** A bearer token signed by the service itself, as a grant would issue it. */
    public static String bearer(String accountId, String subject, String... scopes) {
        AccessTokenMinter minter =
                Arc.container().instance(AccessTokenMinter.class).get();
        return minter.mint(new AccessTokenMinter.Request(subject, accountId, subject, List.of(scopes)))
                .jwt();
    }

    /** The bootstrap platform admin (account acc_platform, scope platform:admin). */
    public static String platformAdmin() {
        return bearer("acc_platform", "key_platform_admin", "platform:admin", "tokens:introspect", "devices:read");
    }

    public static JsonPath introspect(String token) {
        return given().auth()
                .oauth2(platformAdmin())
                .contentType(ContentType.URLENC)
                .formParam("token", token)
                .post("/v1/oauth/introspect")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    public static boolean isActive(String token) {
        return introspect(token).getBoolean("active");
    }

    /** A sample of /q/metrics by its name and labels as Prometheus renders them; 0 when absent. */
    public static double metric(String series) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return value(line.substring(series.length() + 1));
            }
        }
        if (series.contains("{")) {
            // labels may be rendered in another order: match them as a set
            String name = series.substring(0, series.indexOf('{'));
            List<String> labels = List.of(series.substring(series.indexOf('{') + 1, series.length() - 1)
                    .split(","));
            for (String line : text.split("\n")) {
                if (line.startsWith(name + "{")) {
                    String rendered = line.substring(name.length() + 1, line.indexOf('}'));
                    if (List.of(rendered.split(",")).containsAll(labels)) {
                        return Double.parseDouble(
                                line.substring(line.indexOf('}') + 1).trim());
                    }
                }
            }
        }
        return 0;
    }

    /** The sample value, without an OpenMetrics exemplar ({@code 2.0 # {trace_id=…} 1.0 …}). */
    private static double value(String rest) {
        return Double.parseDouble(rest.trim().split(" ")[0]);
    }

    private static String random(String alphabet, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
