package io.openclaw.keys.events;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.events.Topics;
import io.openclaw.keys.apikey.KeyEvents;
import io.openclaw.keys.rotation.ScheduledWork;
import io.openclaw.keys.support.Api;
import io.openclaw.keys.support.ShiftableClock;
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
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every event the service publishes matches its JSON Schema from platform-events (audit-service refuses others). */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
class PublishedEventsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ShiftableClock clock;

    @Inject
    ScheduledWork scheduledWork;

    @Test
    void everyEventTheServicePublishesMatchesItsSchema() throws Exception {
        try (EventTap tap =
                EventTap.open(Topics.KEY_EVENTS, Topics.KEY_USAGE, Topics.SECURITY_ALERTS, Topics.SECURITY_COMMANDS)) {
            String account = Api.newAccount("Contracts");
            String expiry = clock.instant().plus(Duration.ofDays(20)).toString();
            JsonPath created = Api.newKey(
                    account, Map.of("name", "contract", "scopes", List.of("data:read"), "expires_at", expiry));
            String id = created.getString("id");
            Api.verifyCode(created.getString("key"), "data:read");
            Api.verifyCode(created.getString("key"), "data:write");
            Api.verifyCode("ock_live_nothing");
            given().auth()
                    .oauth2(Api.manager(account))
                    .contentType(ContentType.JSON)
                    .body(Map.of("scopes", List.of("data:read", "data:write")))
                    .patch("/v1/keys/" + id)
                    .then()
                    .statusCode(200);
            String successor = given().auth()
                    .oauth2(Api.manager(account))
                    .contentType(ContentType.JSON)
                    .body(Map.of("grace_seconds", 0))
                    .post("/v1/keys/" + id + "/rotate")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("key");
            JsonPath other = Api.newKey(
                    account, Map.of("name", "suspended", "scopes", List.of("data:read"), "expires_at", expiry));
            EventTap.publish(CloudEvent.builder(EventType.COMMAND_SUSPEND_KEY)
                    .source("/audit-service")
                    .accountId(account)
                    .actor("svc:audit-service")
                    .subject(other.getString("id"))
                    .data("key_id", other.getString("id"))
                    .build());
            given().auth()
                    .oauth2(TestJwt.token(account, "data:read").sign())
                    .contentType(ContentType.JSON)
                    .body(Map.of("candidates", List.of(successor)))
                    .post("/v1/keys/leaks")
                    .then()
                    .statusCode(202);
            clock.shift(Duration.ofDays(91));
            scheduledWork.runOnce();
            scheduledWork.runOnce();

            Set<String> expected = Set.of(
                    EventType.ACCOUNT_CREATED.type(),
                    EventType.KEY_CREATED.type(),
                    EventType.KEY_USED.type(),
                    EventType.KEY_REJECTED.type(),
                    EventType.KEY_UPDATED.type(),
                    EventType.KEY_ROTATED.type(),
                    EventType.KEY_SUSPENDED.type(),
                    EventType.KEY_LEAKED.type(),
                    EventType.KEY_REVOKED.type(),
                    EventType.KEY_EXPIRED.type(),
                    EventType.KEY_RETIRED.type(),
                    EventType.ALERT_RAISED.type(),
                    EventType.COMMAND_ROTATE_SIGNING_KEY.type());
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> ours(tap).stream()
                    .map(CloudEvent::type)
                    .collect(java.util.stream.Collectors.toSet())
                    .containsAll(expected));

            JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
            Set<String> violations = new TreeSet<>();
            for (CloudEvent event : ours(tap)) {
                EventType type = event.eventType().orElseThrow();
                try (InputStream in = EventType.class.getResourceAsStream(type.schemaResource())) {
                    JsonSchema schema = factory.getSchema(in);
                    for (ValidationMessage message : schema.validate(JSON.valueToTree(event.data()))) {
                        violations.add(event.type() + ": " + message.getMessage());
                    }
                }
                assertThat(event.partitionKey()).isNotBlank();
            }
            assertThat(violations).isEmpty();
        }
    }

    private static List<CloudEvent> ours(EventTap tap) {
        return tap.events().stream()
                .filter(e -> KeyEvents.SOURCE.equals(e.source()))
                .toList();
    }
}
