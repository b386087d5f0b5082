package io.openclaw.pairing;

import static io.openclaw.pairing.Api.as;
import static io.openclaw.pairing.Api.issue;
import static io.openclaw.pairing.Api.issueCode;
import static io.openclaw.pairing.Api.newAccount;
import static io.openclaw.pairing.Api.owner;
import static io.openclaw.pairing.Api.redeem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.Topics;
import io.openclaw.testing.EventTap;
import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaResource;
import io.openclaw.testing.RedisConnection;
import io.openclaw.testing.RedisResource;
import io.openclaw.testing.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
class PairingCodesIT {

    private static final String CODE_SHAPE =
            "[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}";

    @Test
    void anIssuedCodeIsShownOnceWithItsIdScopesLabelAndRelativeExpiry() {
        String account = newAccount();
        issue(
                        owner(account),
                        Map.of(
                                "scopes",
                                List.of("data:read", "device:control"),
                                "ttl_seconds",
                                600,
                                "label",
                                "Living Room Hub"))
                .then()
                .statusCode(201)
                .header("Location", matchesPattern(".*/v1/pairing-codes/pc_[0-9a-z]{20}"))
                .header("Cache-Control", "no-store")
                .body("id", matchesPattern("pc_[0-9a-z]{20}"))
                .body("code", matchesPattern(CODE_SHAPE))
                .body("expires_in", equalTo(600))
                .body("expires_at", matchesPattern("\\d{4}-\\d\\d-\\d\\dT.*Z"))
                .body("scopes", equalTo(List.of("data:read", "device:control")))
                .body("label", equalTo("Living Room Hub"));
    }

    @Test
    void theDefaultLifetimeIsFiveMinutes() {
        issue(owner(newAccount()), Map.of("scopes", List.of("data:read"), "label", "Kitchen"))
                .then()
                .statusCode(201)
                .body("expires_in", equalTo(300));
    }

    @Test
    void listingShowsActiveCodesOfTheAccountButNeverTheCode() {
        String account = newAccount();
        Map<String, Object> issued = issueCode(account, "Porch Light");
        String code = (String) issued.get("code");
        String body = as(owner(account))
                .get("/v1/pairing-codes")
                .then()
                .statusCode(200)
                .body("items.id", hasItem(issued.get("id")))
                .body("items.find { it.id == '" + issued.get("id") + "' }.label", equalTo("Porch Light"))
                .body(
                        "items.find { it.id == '" + issued.get("id") + "' }.expires_in",
                        org.hamcrest.Matchers.lessThanOrEqualTo(300))
                .extract()
                .asString();
        assertThat(body).doesNotContain(code).doesNotContain(code.replace("-", ""));
        as(owner(newAccount())).get("/v1/pairing-codes").then().statusCode(200).body("items", equalTo(List.of()));
    }

    @Test
    void aRevokedCodeLeavesTheListAndCannotBeRedeemed() {
        String account = newAccount();
        Map<String, Object> issued = issueCode(account, "Garage");
        String id = (String) issued.get("id");
        as(owner(account)).delete("/v1/pairing-codes/" + id).then().statusCode(204);
        as(owner(account)).get("/v1/pairing-codes").then().body("items.id", not(hasItem(id)));
        as(owner(account)).get("/v1/pairing-codes/" + id).then().statusCode(404).body("code", equalTo("not_found"));
        as(owner(account)).delete("/v1/pairing-codes/" + id).then().statusCode(404);
        redeem((String) issued.get("code"), Api.randomIp())
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_code"));
    }

    @Test
    void anotherAccountCannotSeeOrRevokeACode() {
        String account = newAccount();
        String id = (String) issueCode(account, "Office").get("id");
        String stranger = owner(newAccount());
        as(stranger).get("/v1/pairing-codes/" + id).then().statusCode(404).body("code", equalTo("not_found"));
        as(stranger).delete("/v1/pairing-codes/" + id).then().statusCode(404);
        as(owner(account)).get("/v1/pairing-codes/" + id).then().statusCode(200).body("id", equalTo(id));
    }

    @Test
    void aNewCodeWithTheSameLabelSupersedesTheOldOne() {
        String account = newAccount();
        try (EventTap tap = EventTap.open(Topics.PAIRING_EVENTS)) {
            Map<String, Object> first = issueCode(account, "Bedroom Speaker");
            Map<String, Object> second = issueCode(account, "Bedroom Speaker");
            assertThat(second.get("supersedes")).isEqualTo(first.get("id"));
            redeem((String) first.get("code"), Api.randomIp())
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("code", equalTo("code_superseded"));
            CloudEvent revoked = tap.await(
                    e -> e.type().equals(EventType.PAIRING_CODE_REVOKED.type())
                            && first.get("id").equals(e.subject()),
                    Duration.ofSeconds(30));
            assertThat(revoked.reason()).isEqualTo("superseded");
            assertThat(revoked.accountId()).isEqualTo(account);
            as(owner(account)).get("/v1/pairing-codes").then().body("items.id", equalTo(List.of(second.get("id"))));
            redeem((String) second.get("code"), Api.randomIp()).then().statusCode(200);
        }
    }

    @Test
    void aPngQrCodeDecodesToThePairingUri() throws Exception {
        io.restassured.path.json.JsonPath issued = as(owner(newAccount()))
                .body(Map.of("scopes", List.of("data:read"), "label", "Thermostat"))
                .post("/v1/pairing-codes?qr=png")
                .then()
                .statusCode(201)
                .body("qr", startsWith("data:image/png;base64,"))
                .extract()
                .jsonPath();
        String qr = issued.getString("qr");
        String code = issued.getString("code");
        BufferedImage image = ImageIO.read(
                new ByteArrayInputStream(Base64.getDecoder().decode(qr.substring("data:image/png;base64,".length()))));
        int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        String text = new QRCodeReader()
                .decode(new BinaryBitmap(
                        new HybridBinarizer(new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels))))
                .getText();
        assertThat(text).isEqualTo("openclaw://pair?code=" + code);
    }

    @Test
    void anSvgQrCodeIsADataUriOfAnSvgImage() {
        String qr = as(owner(newAccount()))
                .body(Map.of("scopes", List.of("data:read"), "label", "Doorbell"))
                .post("/v1/pairing-codes?qr=svg")
                .then()
                .statusCode(201)
                .extract()
                .path("qr");
        assertThat(qr).startsWith("data:image/svg+xml;base64,");
        String svg = new String(Base64.getDecoder().decode(qr.substring(qr.indexOf(',') + 1)), StandardCharsets.UTF_8);
        assertThat(svg).startsWith("<svg").contains("<path");
        as(owner(newAccount()))
                .body(Map.of("scopes", List.of("data:read")))
                .post("/v1/pairing-codes?qr=gif")
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_request"));
    }

    @Test
    void aCallerMayOnlyGrantScopesItHoldsItself() {
        String account = newAccount();
        String narrow = TestJwt.token(account, "pairing:issue", "data:read").sign();
        issue(narrow, Map.of("scopes", List.of("data:read"))).then().statusCode(201);
        issue(narrow, Map.of("scopes", List.of("data:read", "data:write")))
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("code", equalTo("scope_not_grantable"));
    }

    @Test
    void scopesOutsideTheAccountCatalogAreRejected() {
        issue(owner(newAccount()), Map.of("scopes", List.of("keys:manage")))
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("invalid_scope"))
                .body("status", equalTo(400))
                .body("title", equalTo("Bad Request"))
                .body("type", equalTo("https://openclaw.io/problems/invalid_scope"));
        issue(owner(newAccount()), Map.of("scopes", List.of()))
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_scope"));
    }

    @Test
    void anAccountCatalogIsLearnedFromAccountCreatedEventsOnce() {
        String account = newAccount();
        String token = TestJwt.token(account, "pairing:issue", "data:read", "lights:dim", "data:write")
                .sign();
        CloudEvent created = CloudEvent.builder(EventType.ACCOUNT_CREATED)
                .source("/key-rotation-service")
                .accountId(account)
                .actor("key_admin")
                .subject(account)
                .data("name", "Acme Devices")
                .data("device_scopes", List.of("data:read", "lights:dim"))
                .data("device_client_id", account)
                .build();
        EventTap.publish(created);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> issue(token, Map.of("scopes", List.of("lights:dim")))
                .then()
                .statusCode(201));
        issue(token, Map.of("scopes", List.of("data:write")))
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_scope"));

        // the same event id delivered again with other content is dropped
        CloudEvent replay = CloudEvent.builder(EventType.ACCOUNT_CREATED)
                .id(created.id())
                .source("/key-rotation-service")
                .accountId(account)
                .actor("key_admin")
                .subject(account)
                .data("device_scopes", List.of("data:read", "data:write"))
                .build();
        EventTap.publish(replay);
        String marker = newAccount();
        EventTap.publish(CloudEvent.builder(EventType.ACCOUNT_CREATED)
                .source("/key-rotation-service")
                .accountId(marker)
                .actor("key_admin")
                .subject(marker)
                .data("device_scopes", List.of("lights:dim"))
                .build());
        String markerToken =
                TestJwt.token(marker, "pairing:issue", "lights:dim").sign();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> issue(markerToken, Map.of("scopes", List.of("lights:dim")))
                        .then()
                        .statusCode(201));
        issue(token, Map.of("scopes", List.of("data:write")))
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_scope"));
    }

    @Test
    void ttlOutsideOneMinuteToOneHourIsRejected() {
        String token = owner(newAccount());
        for (int ttl : new int[] {59, 3601, 0, -5}) {
            issue(token, Map.of("scopes", List.of("data:read"), "ttl_seconds", ttl))
                    .then()
                    .statusCode(400)
                    .body("code", equalTo("invalid_ttl"));
        }
        issue(token, Map.of("scopes", List.of("data:read"), "ttl_seconds", 60))
                .then()
                .statusCode(201);
        issue(token, Map.of("scopes", List.of("data:read"), "ttl_seconds", 3600))
                .then()
                .statusCode(201);
    }

    @Test
    void labelsWithControlCharactersOrOverSixtyFourCharactersAreRejected() {
        String token = owner(newAccount());
        for (String label : List.of("Hub\r\nX-Injected: 1", "a".repeat(65), "x".repeat(10 * 1024), " ", "Tab\there")) {
            issue(token, Map.of("scopes", List.of("data:read"), "label", label))
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("code", equalTo("invalid_label"));
        }
        issue(token, Map.of("scopes", List.of("data:read"), "label", "Küche – Lautsprecher 🔊"))
                .then()
                .statusCode(201);
    }

    @Test
    void wrongTypesAndUnknownFieldsAreRejectedAsInvalidRequests() {
        String token = owner(newAccount());
        Map<String, Object> unknownField = new HashMap<>(Map.of("scopes", List.of("data:read")));
        unknownField.put("admin", true);
        issue(token, unknownField).then().statusCode(400).body("code", equalTo("invalid_request"));
        issue(token, Map.of("scopes", List.of("data:read"), "ttl_seconds", "300"))
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_request"));
        issue(token, Map.of("scopes", List.of("data:read"), "ttl_seconds", 300.5))
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_request"));
        issue(token, Map.of("scopes", "data:read")).then().statusCode(400).body("code", equalTo("invalid_request"));
        as(token)
                .body("{\"scopes\": [\"data:read\"")
                .post("/v1/pairing-codes")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("invalid_request"));
        as(token).body("").post("/v1/pairing-codes").then().statusCode(400).body("code", equalTo("invalid_request"));
        for (String twice : List.of(
                "{\"scopes\":[\"data:read\"],\"ttl_seconds\":300,\"label\":\"Hub\",\"label\":\"Hub\"}",
                "{\"label\":\"Hub\",\"label\":\"Other\",\"scopes\":[\"data:read\"]}")) {
            as(token)
                    .body(twice)
                    .post("/v1/pairing-codes")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("code", equalTo("invalid_request"))
                    .body("detail", equalTo("a field appears twice in the body"));
        }
        as(token)
                .body("{\"scopes\":[\"data:read\"],\"ttl_seconds\":99999999999999}")
                .post("/v1/pairing-codes")
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_request"))
                .body("detail", equalTo("field 'ttl_seconds' has the wrong type"));
        as(token)
                .body("{\"scopes\":[\"data:read\"],\"label\":\"a\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1))
                .post("/v1/pairing-codes")
                .then()
                .statusCode(400)
                .body("code", equalTo("invalid_request"))
                .body("detail", equalTo("field 'label' has the wrong type"));
    }

    @Test
    void anOversizedBodyIsRefusedWith413() {
        String label = "x".repeat(100 * 1024);
        as(owner(newAccount()))
                .body(Map.of("scopes", List.of("data:read"), "label", label))
                .post("/v1/pairing-codes")
                .then()
                .statusCode(413);
    }

    @Test
    void callersNeedAValidTokenWithPairingIssue() {
        given().contentType(ContentType.JSON)
                .body(Map.of("scopes", List.of("data:read")))
                .post("/v1/pairing-codes")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("code", equalTo("unauthorized"));
        as("not-a-jwt").get("/v1/pairing-codes").then().statusCode(401).body("code", equalTo("unauthorized"));
        as(TestJwt.token(newAccount(), "data:read").sign())
                .get("/v1/pairing-codes")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("code", equalTo("forbidden"));
        as(TestJwt.token(newAccount(), "pairing:issue")
                        .issuer("https://evil.example")
                        .sign())
                .get("/v1/pairing-codes")
                .then()
                .statusCode(401);
    }

    @Test
    void theCodeIsStoredOnlyAsAnHmac() {
        String code = (String) issueCode(newAccount(), "Stored Safely").get("code");
        String canonical = code.replace("-", "");
        String hosts = ConfigProvider.getConfig().getValue("quarkus.redis.hosts", String.class);
        int database = Integer.parseInt(hosts.substring(hosts.lastIndexOf('/') + 1));
        try (RedisConnection redis = RedisConnection.open(database)) {
            @SuppressWarnings("unchecked")
            List<Object> keys = (List<Object>) redis.command("KEYS", "*");
            assertThat(keys).isNotEmpty();
            for (Object key : keys) {
                String text = String.valueOf(key);
                assertThat(text).doesNotContain(canonical);
                Object type = redis.command("TYPE", text);
                Object value =
                        switch (String.valueOf(type)) {
                            case "string" -> redis.command("GET", text);
                            case "hash" -> redis.command("HGETALL", text);
                            case "stream" -> redis.command("XRANGE", text, "-", "+");
                            case "zset" -> redis.command("ZRANGE", text, "0", "-1");
                            default -> "";
                        };
                assertThat(String.valueOf(value)).doesNotContain(canonical).doesNotContain(code);
            }
        }
    }
}
