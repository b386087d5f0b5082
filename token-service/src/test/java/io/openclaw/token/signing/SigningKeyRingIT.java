package io.openclaw.token.signing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.Topics;
import io.openclaw.testing.EventTap;
import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaResource;
import io.openclaw.testing.PostgresResource;
import io.openclaw.testing.RedisResource;
import io.openclaw.token.support.Platform;
import io.openclaw.token.support.ShiftableClock;
import io.openclaw.token.support.UpstreamStandIns;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = UpstreamStandIns.class, restrictToAnnotatedClass = false)
class SigningKeyRingIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    SigningKeyRing keyRing;

    @Inject
    KeyEncryption encryption;

    @Inject
    ShiftableClock clock;

    @Test
    void theJwksPublishesTheSigningKeyAndIsCachedForLessThanThePropagationDelay() {
        String kid = keyRing.active().kid();
        given().get("/.well-known/jwks.json")
                .then()
                .statusCode(200)
                .header("Cache-Control", "public, max-age=300")
                .body("keys.kid", hasItems(kid))
                .body("keys.find { it.kid == '" + kid + "' }.kty", equalTo("RSA"))
                .body("keys.find { it.kid == '" + kid + "' }.alg", equalTo("RS256"))
                .body("keys.find { it.kid == '" + kid + "' }.use", equalTo("sig"));
    }

    @Test
    void theMetadataListsEveryEndpointAndGrant() {
        String issuer = ConfigProvider.getConfig().getValue("openclaw.issuer", String.class);
        given().get("/.well-known/oauth-authorization-server")
                .then()
                .statusCode(200)
                .body("issuer", equalTo(issuer))
                .body("token_endpoint", equalTo(issuer + "/v1/oauth/token"))
                .body("jwks_uri", equalTo(issuer + "/.well-known/jwks.json"))
                .body("revocation_endpoint", equalTo(issuer + "/v1/oauth/revoke"))
                .body("introspection_endpoint", equalTo(issuer + "/v1/oauth/introspect"))
                .body(
                        "grant_types_supported",
                        hasItems(
                                "urn:openclaw:params:oauth:grant-type:pairing_code",
                                "urn:ietf:params:oauth:grant-type:device_code",
                                "refresh_token",
                                "client_credentials"));
    }

    @Test
    void privateKeysAreEncryptedAtRestUnderTheKeyEncryptionKey() throws Exception {
        SigningKey active = keyRing.active();
        byte[] stored;
        try (Connection db = database();
                PreparedStatement select =
                        db.prepareStatement("SELECT private_key_enc FROM signing_key WHERE kid = ?")) {
            select.setString(1, active.kid());
            ResultSet row = select.executeQuery();
            assertThat(row.next()).isTrue();
            stored = row.getBytes(1);
        }
        byte[] plain = active.privateKey().getEncoded();
        assertThat(indexOf(stored, java.util.Arrays.copyOfRange(plain, 0, 64))).isEqualTo(-1);
        assertThat(canParseAsPkcs8(stored)).isFalse();
        // decrypting with the KEK yields the key that signs; bound to its kid
        byte[] decrypted = encryption.decrypt(stored, active.kid());
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(decrypted)));
        rsa.update("probe".getBytes(StandardCharsets.UTF_8));
        byte[] signature = rsa.sign();
        rsa.initVerify(active.publicKey());
        rsa.update("probe".getBytes(StandardCharsets.UTF_8));
        assertThat(rsa.verify(signature)).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> encryption.decrypt(stored, "kid-other"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void accessTokensCarryExactlyTheDocumentedHeaderAndClaims() throws Exception {
        String account = Platform.randomAccount();
        String keyId = "key_j" + account.substring(4);
        String secret = Platform.registerKey(keyId, account, "VALID", "pairing:issue", "devices:read");
        String token = Platform.clientCredentials(keyId, secret, null)
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");
        String[] parts = token.split("\\.");
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(header.path("typ").asText()).isEqualTo("at+jwt");
        assertThat(header.path("alg").asText()).isEqualTo("RS256");
        assertThat(header.path("kid").asText()).isEqualTo(keyRing.active().kid());
        List<String> names = new ArrayList<>();
        claims.fieldNames().forEachRemaining(names::add);
        assertThat(names)
                .containsExactlyInAnyOrder(
                        "iss", "sub", "aud", "exp", "iat", "jti", "client_id", "scope", "groups", "acc");
        assertThat(claims.path("iss").asText())
                .isEqualTo(ConfigProvider.getConfig().getValue("openclaw.issuer", String.class));
        assertThat(
                        claims.path("aud").isArray()
                                ? claims.path("aud").get(0).asText()
                                : claims.path("aud").asText())
                .isEqualTo("openclaw");
        assertThat(claims.path("sub").asText()).isEqualTo(keyId);
        assertThat(claims.path("client_id").asText()).isEqualTo(keyId);
        assertThat(claims.path("acc").asText()).isEqualTo(account);
        assertThat(claims.path("scope").asText()).isEqualTo("pairing:issue devices:read");
        assertThat(JSON.convertValue(claims.path("groups"), List.class))
                .containsExactly("pairing:issue", "devices:read");
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(900);
    }

    @Test
    void rotationPublishesFirstSignsAfterThePropagationDelayAndRetiresOnceItsTokensExpired() throws Exception {
        completePendingRotation();
        String oldKid = keyRing.active().kid();
        String oldToken = Platform.bearer(Platform.randomAccount(), "key_old", "devices:read");
        String nextKid;
        try (EventTap tap = EventTap.open(Topics.TOKEN_EVENTS)) {
            nextKid = given().auth()
                    .oauth2(Platform.platformAdmin())
                    .contentType(ContentType.JSON)
                    .body("{}")
                    .post("/v1/admin/signing-keys/rotate")
                    .then()
                    .statusCode(202)
                    .body("state", equalTo("next"))
                    .extract()
                    .path("kid");
            CloudEvent published = tap.await(
                    e -> e.type().equals(EventType.TOKEN_SIGNING_KEY_PUBLISHED.type()) && nextKid.equals(e.subject()),
                    Duration.ofSeconds(20));
            assertThat(published.string("alg")).isEqualTo("RS256");
        }
        // published before it signs
        given().get("/.well-known/jwks.json").then().body("keys.kid", hasItems(oldKid, nextKid));
        assertThat(keyRing.active().kid()).isEqualTo(oldKid);

        clock.shift(Duration.ofMinutes(10).plusSeconds(5));
        keyRing.advance();
        keyRing.reload();
        assertThat(keyRing.active().kid()).isEqualTo(nextKid);
        String newToken = Platform.bearer(Platform.randomAccount(), "key_new", "devices:read");
        assertThat(kidOf(newToken)).isEqualTo(nextKid);
        // tokens of the previous key still verify: it stays published while they live
        assertThat(Platform.isActive(oldToken)).isTrue();
        given().get("/.well-known/jwks.json").then().body("keys.kid", hasItems(oldKid, nextKid));

        clock.shift(Duration.ofMinutes(18));
        keyRing.advance();
        keyRing.reload();
        List<String> kids =
                given().get("/.well-known/jwks.json").then().extract().path("keys.kid");
        assertThat(kids).contains(nextKid).doesNotContain(oldKid);
        assertThat(Platform.isActive(newToken)).isFalse(); // expired by now: 28 minutes passed
    }

    @Test
    void theAdminRotationNeedsPlatformAdmin() {
        given().auth()
                .oauth2(Platform.bearer(Platform.randomAccount(), "key_x", "devices:read"))
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/v1/admin/signing-keys/rotate")
                .then()
                .statusCode(403);
        given().contentType(ContentType.JSON)
                .body("{}")
                .post("/v1/admin/signing-keys/rotate")
                .then()
                .statusCode(401);
        given().auth()
                .oauth2(Platform.platformAdmin())
                .contentType(ContentType.JSON)
                .body("{\"alg\":\"HS256\"}")
                .post("/v1/admin/signing-keys/rotate")
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_algorithm"));
        // read strictly: a field named twice is refused (not the last value winning), a number is not a string
        given().auth()
                .oauth2(Platform.platformAdmin())
                .contentType(ContentType.JSON)
                .body("{\"alg\":\"HS256\",\"alg\":\"ES256\"}")
                .post("/v1/admin/signing-keys/rotate")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("malformed_json"));
        given().auth()
                .oauth2(Platform.platformAdmin())
                .contentType(ContentType.JSON)
                .body("{\"alg\":256}")
                .post("/v1/admin/signing-keys/rotate")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("wrong_type"));
    }

    @Test
    void aRotateCommandDeliveredTwiceRotatesExactlyOnceToTheRequestedAlgorithm() throws Exception {
        completePendingRotation();
        CloudEvent command = CloudEvent.builder(EventType.COMMAND_ROTATE_SIGNING_KEY)
                .source("/key-rotation-service")
                .actor("svc:key-rotation-service")
                .subject("signing-key")
                .data("alg", "ES256")
                .data("schedule", "every 90 days")
                .build();
        try (EventTap tap = EventTap.open(Topics.TOKEN_EVENTS)) {
            EventTap.publish(command);
            EventTap.publish(command);
            CloudEvent published = tap.awaitType(EventType.TOKEN_SIGNING_KEY_PUBLISHED.type(), Duration.ofSeconds(30));
            assertThat(published.string("alg")).isEqualTo("ES256");
            // a later command on the same partition proves both deliveries were consumed
            EventTap.publish(CloudEvent.builder(EventType.COMMAND_ROTATE_SIGNING_KEY)
                    .source("/key-rotation-service")
                    .actor("svc:key-rotation-service")
                    .subject("signing-key")
                    .build());
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> rotationRequests() >= 2);
            assertThat(tap.matching(e -> e.type().equals(EventType.TOKEN_SIGNING_KEY_PUBLISHED.type())))
                    .hasSize(1);
        }
        assertThat(count("SELECT count(*) FROM signing_key_rotation WHERE request_id = 'command:" + command.id() + "'"))
                .isEqualTo(1);
        // the ES256 key signs after the delay, and its tokens verify
        clock.shift(Duration.ofMinutes(10).plusSeconds(5));
        keyRing.advance();
        keyRing.reload();
        assertThat(keyRing.active().alg()).isEqualTo("ES256");
        String token = Platform.bearer(Platform.randomAccount(), "key_ec", "devices:read");
        assertThat(Platform.isActive(token)).isTrue();
        given().get("/.well-known/jwks.json")
                .then()
                .body("keys.find { it.kid == '" + keyRing.active().kid() + "' }.crv", equalTo("P-256"));
    }

    @Test
    void replicasRacingOnOneRequestRotateExactlyOnce() throws Exception {
        completePendingRotation();
        int before = count("SELECT count(*) FROM signing_key");
        String requestId = "race:" + UUID.randomUUID();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<SigningKeyRing.Rotation>> answers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Callable<SigningKeyRing.Rotation> call = () -> {
                    start.await();
                    return keyRing.rotate(requestId, "svc:test", null);
                };
                answers.add(pool.submit(call));
            }
            start.countDown();
            int applied = 0;
            String kid = null;
            for (Future<SigningKeyRing.Rotation> answer : answers) {
                SigningKeyRing.Rotation rotation = answer.get();
                applied += rotation.applied() ? 1 : 0;
                kid = kid == null ? rotation.kid() : kid;
                assertThat(rotation.kid()).isEqualTo(kid);
            }
            assertThat(applied).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(count("SELECT count(*) FROM signing_key")).isEqualTo(before + 1);
        completePendingRotation();
    }

    /** Lets any key waiting in state next become active, so each test starts from a settled ring. */
    private void completePendingRotation() {
        if (count("SELECT count(*) FROM signing_key WHERE state = 'next'") > 0) {
            clock.shift(Duration.ofMinutes(10).plusSeconds(5));
            keyRing.advance();
            keyRing.reload();
        }
    }

    private static int rotationRequests() {
        return count("SELECT count(*) FROM signing_key_rotation WHERE request_id LIKE 'command:%'");
    }

    private static String kidOf(String token) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[0]))
                .path("kid")
                .asText();
    }

    private static boolean canParseAsPkcs8(byte[] bytes) {
        try {
            KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(bytes));
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static Connection database() throws Exception {
        String url = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
        return java.sql.DriverManager.getConnection(url, "postgres", "");
    }

    static int count(String sql) {
        try (Connection db = database();
                PreparedStatement select = db.prepareStatement(sql)) {
            ResultSet row = select.executeQuery();
            row.next();
            return row.getInt(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
