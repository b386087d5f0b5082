package io.openclaw.token.introspection;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.Topics;
import io.openclaw.testing.EventTap;
import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaResource;
import io.openclaw.testing.PostgresResource;
import io.openclaw.testing.RedisResource;
import io.openclaw.token.signing.SigningKey;
import io.openclaw.token.signing.SigningKeyRing;
import io.openclaw.token.support.Platform;
import io.openclaw.token.support.ShiftableClock;
import io.openclaw.token.support.UpstreamStandIns;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = UpstreamStandIns.class, restrictToAnnotatedClass = false)
class RevocationAndIntrospectionIT {

    @Inject
    SigningKeyRing keyRing;

    @Inject
    ShiftableClock clock;

    @Test
    void introspectionDescribesAValidTokenOfTheCallersAccount() {
        String account = Platform.randomAccount();
        JsonPath paired = Platform.pairedDevice(account, "data:read");
        given().auth()
                .oauth2(Platform.bearer(account, "key_backend", "tokens:introspect"))
                .contentType(ContentType.URLENC)
                .formParam("token", paired.getString("access_token"))
                .post("/v1/oauth/introspect")
                .then()
                .statusCode(200)
                .body("active", equalTo(true))
                .body("sub", equalTo(paired.getString("device_id")))
                .body("acc", equalTo(account))
                .body("scope", equalTo("data:read"))
                .body("token_type", equalTo("Bearer"));
        given().auth()
                .oauth2(Platform.bearer(account, "key_backend", "tokens:introspect"))
                .contentType(ContentType.URLENC)
                .body("token=" + paired.getString("access_token") + "%")
                .post("/v1/oauth/introspect")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
    }

    @Test
    void introspectionNeedsTheIntrospectScope() {
        String account = Platform.randomAccount();
        String token = Platform.pairedDevice(account, "data:read").getString("access_token");
        // RFC 6750 §3.1 / RFC 7662 §2.3: OAuth error JSON with a WWW-Authenticate challenge, not problem+json
        for (String authorization : List.of("", "Bearer not-a-token", "Basic a2V5OnNlY3JldA==")) {
            var request = given().contentType(ContentType.URLENC).formParam("token", token);
            if (!authorization.isEmpty()) {
                request.header("Authorization", authorization);
            }
            request.post("/v1/oauth/introspect")
                    .then()
                    .statusCode(401)
                    .contentType(ContentType.JSON)
                    .header("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Bearer"))
                    .body("error", equalTo("invalid_token"))
                    .body("code", org.hamcrest.Matchers.nullValue());
        }
        given().auth()
                .oauth2(Platform.bearer(account, "key_backend", "devices:read"))
                .contentType(ContentType.URLENC)
                .formParam("token", token)
                .post("/v1/oauth/introspect")
                .then()
                .statusCode(403)
                .contentType(ContentType.JSON)
                .header("WWW-Authenticate", org.hamcrest.Matchers.containsString("insufficient_scope"))
                .body("error", equalTo("insufficient_scope"));
    }

    @Test
    void forgedMalformedOrMisdirectedTokensAreInactiveAndRefusedByProtectedEndpoints() throws Exception {
        SigningKey active = keyRing.active();
        KeyPair attacker = rsa();
        String refreshToken =
                Platform.pairedDevice(Platform.randomAccount(), "devices:read").getString("refresh_token");
        Map<String, String> forged = Map.ofEntries(
                Map.entry("alg none", sign(c -> {}, AlgorithmIdentifiers.NONE, null, active.kid(), h -> {})),
                Map.entry(
                        "HS256 keyed with the RSA public key",
                        sign(
                                c -> {},
                                AlgorithmIdentifiers.HMAC_SHA256,
                                new HmacKey(active.publicKey().getEncoded()),
                                active.kid(),
                                h -> {})),
                Map.entry(
                        "unknown kid",
                        sign(
                                c -> {},
                                AlgorithmIdentifiers.RSA_USING_SHA256,
                                attacker.getPrivate(),
                                "kid-unknown",
                                h -> {})),
                Map.entry(
                        "attacker key announced in jwk and jku",
                        sign(c -> {}, AlgorithmIdentifiers.RSA_USING_SHA256, attacker.getPrivate(), active.kid(), h -> {
                            RsaJsonWebKey jwk =
                                    new RsaJsonWebKey((java.security.interfaces.RSAPublicKey) attacker.getPublic());
                            h.setJwkHeader(jwk);
                            h.setHeader("jku", "http://attacker.example/jwks.json");
                            h.setHeader("x5u", "http://attacker.example/cert.pem");
                        })),
                Map.entry(
                        "expired",
                        sign(
                                c -> {
                                    c.setIssuedAt(NumericDate.fromSeconds(
                                            clock.instant().minusSeconds(3600).getEpochSecond()));
                                    c.setExpirationTime(NumericDate.fromSeconds(
                                            clock.instant().minusSeconds(600).getEpochSecond()));
                                },
                                active.alg(),
                                active.privateKey(),
                                active.kid(),
                                h -> {})),
                Map.entry(
                        "not yet valid",
                        sign(
                                c -> c.setNotBefore(NumericDate.fromSeconds(
                                        clock.instant().plusSeconds(600).getEpochSecond())),
                                active.alg(),
                                active.privateKey(),
                                active.kid(),
                                h -> {})),
                Map.entry(
                        "wrong audience",
                        sign(
                                c -> c.setAudience("someone-else"),
                                active.alg(),
                                active.privateKey(),
                                active.kid(),
                                h -> {})),
                Map.entry(
                        "wrong issuer",
                        sign(
                                c -> c.setIssuer("https://evil.example"),
                                active.alg(),
                                active.privateKey(),
                                active.kid(),
                                h -> {})),
                Map.entry(
                        "not an access token type",
                        sign(c -> {}, active.alg(), active.privateKey(), active.kid(), h -> h.setHeader("typ", "JWT"))),
                Map.entry("a refresh token presented as an access token", refreshToken),
                Map.entry("garbage", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"));
        // the control: the same construction with nothing wrong is accepted, so each rejection is for its flaw
        String genuine = sign(c -> {}, active.alg(), active.privateKey(), active.kid(), h -> {});
        assertThat(Platform.isActive(genuine)).isTrue();
        given().auth().oauth2(genuine).get("/v1/devices").then().statusCode(200);

        forged.forEach((flaw, token) -> {
            assertThat(Platform.isActive(token)).as(flaw).isFalse();
            assertThat(given().auth().oauth2(token).get("/v1/devices").statusCode())
                    .as(flaw)
                    .isEqualTo(401);
        });
    }

    @Test
    void aRevokedAccessTokenIsInactiveAndTheRevocationIsAnEvent() {
        String account = Platform.randomAccount();
        JsonPath paired = Platform.pairedDevice(account, "data:read");
        String token = paired.getString("access_token");
        try (EventTap tap = EventTap.open(Topics.TOKEN_EVENTS)) {
            revoke(token);
            CloudEvent revoked = tap.await(
                    e -> e.type().equals(EventType.TOKEN_REVOKED.type()) && account.equals(e.accountId()),
                    Duration.ofSeconds(20));
            assertThat(revoked.string("token_kind")).isEqualTo("access");
        }
        assertThat(Platform.isActive(token)).isFalse();
        // the device itself lives on: its refresh token still works
        Platform.refresh(paired.getString("refresh_token")).then().statusCode(200);
    }

    @Test
    void aRevokedRefreshTokenKillsItsFamilyAndItsAccessTokens() {
        JsonPath paired = Platform.pairedDevice(Platform.randomAccount(), "data:read");
        revoke(paired.getString("refresh_token"));
        Platform.refresh(paired.getString("refresh_token"))
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));
        assertThat(Platform.isActive(paired.getString("access_token"))).isFalse();
    }

    @Test
    void unknownOrMalformedTokensStillAnswer200() {
        revoke("ocr_" + "A".repeat(43));
        revoke("nonsense");
        revoke("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
        given().contentType(ContentType.URLENC)
                .post("/v1/oauth/revoke")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
        // a body that is not form encoding is a bad request, not a server error
        given().contentType(ContentType.URLENC)
                .body("token=ocr_abc%zz")
                .post("/v1/oauth/revoke")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
    }

    @Test
    void revokingADeviceKillsItsFamilyAndEveryAccessTokenItHolds() {
        String account = Platform.randomAccount();
        JsonPath paired = Platform.pairedDevice(account, "data:read");
        JsonPath rotated = Platform.refresh(paired.getString("refresh_token"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        String owner = Platform.bearer(account, "key_owner", "devices:read", "devices:revoke");
        try (EventTap tap = EventTap.open(Topics.TOKEN_EVENTS)) {
            given().auth()
                    .oauth2(owner)
                    .delete("/v1/devices/" + paired.getString("device_id"))
                    .then()
                    .statusCode(204);
            CloudEvent revoked = tap.await(
                    e -> e.type().equals(EventType.TOKEN_REVOKED.type())
                            && paired.getString("device_id").equals(e.string("device_id")),
                    Duration.ofSeconds(20));
            assertThat(revoked.string("token_kind")).isEqualTo("device");
        }
        assertThat(Platform.isActive(paired.getString("access_token"))).isFalse();
        assertThat(Platform.isActive(rotated.getString("access_token"))).isFalse();
        Platform.refresh(rotated.getString("refresh_token")).then().statusCode(400);
        given().auth()
                .oauth2(rotated.getString("access_token"))
                .get("/v1/devices")
                .then()
                .statusCode(401);
    }

    @Test
    void oneAccountCannotListRevokeOrIntrospectAnotherAccountsDevicesOrTokens() {
        String accountA = Platform.randomAccount();
        String accountB = Platform.randomAccount();
        JsonPath deviceOfA = Platform.pairedDevice(accountA, "data:read");
        String ownerB = Platform.bearer(accountB, "key_b", "devices:read", "devices:revoke", "tokens:introspect");

        List<Object> listedForB = given().auth()
                .oauth2(ownerB)
                .get("/v1/devices")
                .then()
                .statusCode(200)
                .extract()
                .path("devices.id");
        assertThat(listedForB).doesNotContain(deviceOfA.getString("device_id"));
        given().auth()
                .oauth2(ownerB)
                .delete("/v1/devices/" + deviceOfA.getString("device_id"))
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("not_found"));
        given().auth()
                .oauth2(ownerB)
                .contentType(ContentType.URLENC)
                .formParam("token", deviceOfA.getString("access_token"))
                .post("/v1/oauth/introspect")
                .then()
                .statusCode(200)
                .body("active", equalTo(false));
        // A's device is untouched
        assertThat(Platform.isActive(deviceOfA.getString("access_token"))).isTrue();
        List<Object> listedForA = given().auth()
                .oauth2(Platform.bearer(accountA, "key_a", "devices:read"))
                .get("/v1/devices")
                .then()
                .statusCode(200)
                .extract()
                .path("devices.id");
        assertThat(listedForA).contains(deviceOfA.getString("device_id"));
    }

    @Test
    void deviceEndpointsNeedTheirScopes() {
        String account = Platform.randomAccount();
        given().auth()
                .oauth2(Platform.bearer(account, "key_x", "data:read"))
                .get("/v1/devices")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(Platform.bearer(account, "key_x", "devices:read"))
                .delete("/v1/devices/dev_00000000000000000000")
                .then()
                .statusCode(403);
        given().get("/v1/devices")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("code", equalTo("unauthorized"));
        given().auth()
                .oauth2(Platform.bearer(account, "key_x", "data:read"))
                .get("/v1/devices")
                .then()
                .contentType("application/problem+json")
                .body("code", equalTo("insufficient_scope"));
    }

    @Test
    void aRevokeDeviceCommandDeliveredTwiceRevokesTheDeviceOnce() {
        String account = Platform.randomAccount();
        JsonPath paired = Platform.pairedDevice(account, "data:read");
        String deviceId = paired.getString("device_id");
        CloudEvent command = CloudEvent.builder(EventType.COMMAND_REVOKE_DEVICE)
                .source("/audit-service")
                .accountId(account)
                .actor("svc:audit-service")
                .subject(deviceId)
                .reason("refresh_token_reuse_alert")
                .data("device_id", deviceId)
                .data("alert_id", "alr_" + UUID.randomUUID())
                .build();
        try (EventTap tap = EventTap.open(Topics.TOKEN_EVENTS)) {
            EventTap.publish(command);
            EventTap.publish(command);
            tap.await(
                    e -> e.type().equals(EventType.TOKEN_DEVICE_REVOKED.type()) && deviceId.equals(e.subject()),
                    Duration.ofSeconds(30));
            // a later event on the same partition proves both deliveries were consumed
            String probe = Platform.pairedDevice(account, "data:read").getString("device_id");
            EventTap.publish(CloudEvent.builder(EventType.COMMAND_REVOKE_DEVICE)
                    .source("/audit-service")
                    .accountId(account)
                    .actor("svc:audit-service")
                    .subject(probe)
                    .data("device_id", probe)
                    .build());
            tap.await(
                    e -> e.type().equals(EventType.TOKEN_DEVICE_REVOKED.type()) && probe.equals(e.subject()),
                    Duration.ofSeconds(30));
            assertThat(tap.matching(e ->
                            e.type().equals(EventType.TOKEN_DEVICE_REVOKED.type()) && deviceId.equals(e.subject())))
                    .hasSize(1);
        }
        assertThat(Platform.isActive(paired.getString("access_token"))).isFalse();
    }

    @Test
    void aRecordOnTheCommandTopicThatIsNotAnEventIsDeadLetteredAndTheCommandBehindItIsApplied() {
        String account = Platform.randomAccount();
        JsonPath paired = Platform.pairedDevice(account, "data:read");
        String deviceId = paired.getString("device_id");
        String garbage = "{\"not\":\"a cloudevent\",\"nonce\":\"" + UUID.randomUUID() + "\"}";
        try (EventTap deadLetters = EventTap.open(Topics.CONSUMER_DEAD_LETTER);
                EventTap tokenEvents = EventTap.open(Topics.TOKEN_EVENTS)) {
            // the account is the record key: the same partition as the command after it
            EventTap.publish(
                    new ProducerRecord<>(Topics.SECURITY_COMMANDS, account, garbage.getBytes(StandardCharsets.UTF_8)));
            EventTap.publish(CloudEvent.builder(EventType.COMMAND_REVOKE_DEVICE)
                    .source("/audit-service")
                    .accountId(account)
                    .actor("svc:audit-service")
                    .subject(deviceId)
                    .data("device_id", deviceId)
                    .build());

            tokenEvents.await(
                    e -> e.type().equals(EventType.TOKEN_DEVICE_REVOKED.type()) && deviceId.equals(e.subject()),
                    Duration.ofSeconds(30));
            assertThat(Platform.isActive(paired.getString("access_token"))).isFalse();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters.records().stream()
                    .anyMatch(r -> garbage.equals(new String(r.value(), StandardCharsets.UTF_8))
                            && "token-service".equals(EventTap.header(r, "dlq_consumer"))
                            && "malformed".equals(EventTap.header(r, "dlq_reason"))));
        }
    }

    @Test
    void aRevokedApiKeysTokensDieAndItsKeyGetsNoNewOnes() {
        String account = Platform.randomAccount();
        String keyId = "key_k" + account.substring(4);
        String secret = Platform.registerKey(keyId, account, "VALID", "devices:read");
        String token = Platform.clientCredentials(keyId, secret, null)
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");
        assertThat(Platform.isActive(token)).isTrue();
        try (EventTap tap = EventTap.open(Topics.TOKEN_EVENTS)) {
            EventTap.publish(CloudEvent.builder(EventType.KEY_REVOKED)
                    .source("/key-rotation-service")
                    .accountId(account)
                    .actor("key_owner")
                    .subject(keyId)
                    .data("key_id", keyId)
                    .build());
            CloudEvent revoked = tap.await(
                    e -> e.type().equals(EventType.TOKEN_REVOKED.type()) && keyId.equals(e.subject()),
                    Duration.ofSeconds(30));
            assertThat(revoked.string("token_kind")).isEqualTo("key");
        }
        assertThat(Platform.isActive(token)).isFalse();
        // the stand-in still says VALID (as a replica that has not heard yet would): the grant is refused all the same
        Platform.clientCredentials(keyId, secret, null).then().statusCode(401).body("error", equalTo("invalid_client"));
    }

    private static void revoke(String token) {
        given().contentType(ContentType.URLENC)
                .formParam("token", token)
                .post("/v1/oauth/revoke")
                .then()
                .statusCode(200);
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private String sign(
            Consumer<JwtClaims> claimsChange,
            String alg,
            Key key,
            String kid,
            Consumer<JsonWebSignature> headerChange) {
        try {
            JwtClaims claims = new JwtClaims();
            claims.setIssuer(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                    .getValue("openclaw.issuer", String.class));
            claims.setAudience("openclaw");
            claims.setSubject("key_forger");
            claims.setClaim("acc", "acc_platform");
            claims.setClaim("scope", "platform:admin devices:read tokens:introspect");
            claims.setStringListClaim("groups", "platform:admin", "devices:read", "tokens:introspect");
            claims.setClaim("client_id", "key_forger");
            claims.setJwtId(UUID.randomUUID().toString());
            claims.setIssuedAt(NumericDate.fromMilliseconds(clock.instant().toEpochMilli()));
            claims.setExpirationTime(
                    NumericDate.fromSeconds(clock.instant().plusSeconds(600).getEpochSecond()));
            claimsChange.accept(claims);
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setAlgorithmHeaderValue(alg);
            jws.setKeyIdHeaderValue(kid);
            jws.setHeader("typ", "at+jwt");
            jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
            jws.setDoKeyValidation(false);
            if (key != null) {
                jws.setKey(key);
            }
            headerChange.accept(jws);
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
