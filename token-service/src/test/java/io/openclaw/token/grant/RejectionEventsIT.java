package io.openclaw.token.grant;

import static io.openclaw.token.support.Platform.DEVICE_GRANT;
import static io.openclaw.token.support.Platform.PAIRING_GRANT;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.Topics;
import io.openclaw.testing.EventTap;
import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaResource;
import io.openclaw.testing.PostgresResource;
import io.openclaw.testing.RedisResource;
import io.openclaw.token.support.Platform;
import io.openclaw.token.support.UpstreamStandIns;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Refusals are audited whatever the request held: the events they cause name only well-formed ids, carry no
 * control characters and validate against their schemas (audit-service dead-letters anything else).
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = UpstreamStandIns.class, restrictToAnnotatedClass = false)
class RejectionEventsIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String HUGE = "x".repeat(10_000);

    @Test
    void aHugeClientIdOrGrantTypeIsAuditedAsAnUnknownClient() {
        try (EventTap tap = EventTap.open(Topics.TOKEN_EVENTS)) {
            String agent = agent();
            form(agent)
                    .formParam("grant_type", "client_credentials")
                    .formParam("client_id", HUGE)
                    .post("/v1/oauth/token")
                    .then()
                    .statusCode(401)
                    .body("error", equalTo("invalid_client"));
            CloudEvent rejected = rejection(tap, agent);
            assertThat(rejected.actor()).isEqualTo("client:unknown");
            assertThat(rejected.subject()).isEqualTo("client_credentials");

            String other = agent();
            form(other)
                    .formParam("grant_type", "y".repeat(10_000))
                    .formParam("client_id", HUGE)
                    .post("/v1/oauth/token")
                    .then()
                    .statusCode(400)
                    .body("error", equalTo("unsupported_grant_type"));
            CloudEvent unsupported = rejection(tap, other);
            assertThat(unsupported.actor()).isEqualTo("client:unknown");
            assertThat(unsupported.subject()).isEqualTo("unknown");
            assertThat(unsupported.string("grant_type")).isNull();
        }
    }

    @Test
    void aClientIdWithALineBreakAndAValidSecretIsAuditedWithoutIt() {
        String account = Platform.randomAccount();
        String keyId = "key_n" + account.substring(4);
        String secret = Platform.registerKey(keyId, account, "VALID", "devices:read");
        try (EventTap tap = EventTap.open(Topics.TOKEN_EVENTS)) {
            String agent = agent();
            form(agent)
                    .formParam("grant_type", "client_credentials")
                    .formParam("client_id", keyId + "\r\n")
                    .formParam("client_secret", secret)
                    .post("/v1/oauth/token")
                    .then()
                    .statusCode(401)
                    .body("error", equalTo("invalid_client"));
            CloudEvent rejected = rejection(tap, agent);
            assertThat(rejected.actor()).isEqualTo("client:unknown");
            assertThat(rejected.reason()).isEqualTo("client_id_mismatch");

            // a well-formed client_id is still named
            String named = agent();
            form(named)
                    .formParam("grant_type", "client_credentials")
                    .formParam("client_id", "key_someoneelse")
                    .formParam("client_secret", secret)
                    .post("/v1/oauth/token")
                    .then()
                    .statusCode(401);
            assertThat(rejection(tap, named).actor()).isEqualTo("client:key_someoneelse");
        }
    }

    @Test
    void everyGrantTypesRefusalNamesOnlyWellFormedIds() {
        try (EventTap tap = EventTap.open(Topics.TOKEN_EVENTS)) {
            String device = agent();
            form(device)
                    .formParam("grant_type", DEVICE_GRANT)
                    .formParam("device_code", "dc-unknown")
                    .formParam("client_id", "acc_\u0007\r\nforged: yes")
                    .post("/v1/oauth/token")
                    .then()
                    .statusCode(400);
            CloudEvent deviceRejected = rejection(tap, device);
            assertThat(deviceRejected.actor()).isEqualTo("client:unknown");
            assertThat(deviceRejected.subject()).isEqualTo(DEVICE_GRANT);

            String refresh = agent();
            form(refresh)
                    .formParam("grant_type", "refresh_token")
                    .formParam("client_id", HUGE)
                    .post("/v1/oauth/token")
                    .then()
                    .statusCode(400)
                    .body("error", equalTo("invalid_request"));
            assertThat(rejection(tap, refresh).actor()).isEqualTo("client:unknown");

            String pairing = agent();
            form(pairing)
                    .formParam("grant_type", PAIRING_GRANT)
                    .formParam("client_id", "key_\u0000")
                    .post("/v1/oauth/token")
                    .then()
                    .statusCode(400);
            assertThat(rejection(tap, pairing).actor()).isEqualTo("client:unknown");

            String json = agent();
            given().header("User-Agent", json + "\t\u0001" + "J".repeat(2_000))
                    .contentType(ContentType.JSON)
                    .body("{\"pairing_code\":\"" + HUGE + "\"}")
                    .post("/v1/auth/pair")
                    .then()
                    .statusCode(400)
                    .body("error", equalTo("invalid_grant"));
            assertThat(rejection(tap, json).actor()).startsWith("ip:");
        }
    }

    @Test
    void aRevocationsEventCarriesAUserAgentWithoutControlCharacters() {
        String account = Platform.randomAccount();
        String token = Platform.pairedDevice(account, "data:read").getString("access_token");
        try (EventTap tap = EventTap.open(Topics.TOKEN_EVENTS)) {
            String agent = agent();
            form(agent)
                    .formParam("token", token)
                    .post("/v1/oauth/revoke")
                    .then()
                    .statusCode(200);
            CloudEvent revoked = tap.await(
                    e -> e.type().equals(EventType.TOKEN_REVOKED.type())
                            && e.userAgent() != null
                            && e.userAgent().startsWith(agent),
                    Duration.ofSeconds(20));
            assertSafe(revoked, agent, EventType.TOKEN_REVOKED);
        }
    }

    /** A unique, printable marker for one request's events. */
    private static String agent() {
        return "fuzz-" + UUID.randomUUID();
    }

    /** A form request whose User-Agent is the marker, a tab, a control character and far too much text. */
    private static RequestSpecification form(String agent) {
        return given().header("User-Agent", agent + "\t\u0001" + "A".repeat(2_000))
                .contentType(ContentType.URLENC);
    }

    private static CloudEvent rejection(EventTap tap, String agent) {
        CloudEvent event = tap.await(
                e -> e.type().equals(EventType.TOKEN_REJECTED.type())
                        && e.userAgent() != null
                        && e.userAgent().startsWith(agent),
                Duration.ofSeconds(20));
        assertSafe(event, agent, EventType.TOKEN_REJECTED);
        return event;
    }

    private static void assertSafe(CloudEvent event, String agent, EventType type) {
        assertThat(event.userAgent()).hasSize(512).startsWith(agent).doesNotContain("\t", "\u0001");
        assertThat(event.actor()).hasSizeLessThanOrEqualTo(256).doesNotContain("\r", "\n", "\u0000", "\u0007");
        assertThat(event.subject()).hasSizeLessThanOrEqualTo(256).doesNotContain("\r", "\n");
        JsonNode data = MAPPER.valueToTree(event.data());
        assertThat(schema(type).validate(data)).isEmpty();
    }

    private static JsonSchema schema(EventType type) {
        try (InputStream in = EventType.class.getResourceAsStream(type.schemaResource())) {
            assertThat(in).isNotNull();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(MAPPER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
