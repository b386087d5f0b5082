package io.openclaw.pairing;

import static io.openclaw.pairing.Api.issueCode;
import static io.openclaw.pairing.Api.newAccount;
import static io.openclaw.pairing.Api.randomIp;
import static io.openclaw.pairing.Api.redeem;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import io.openclaw.testing.EventTap;
import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(RedisFailClosedIT.PrivateRedis.class)
class RedisFailClosedIT {

    /** This class runs against its own Redis, which it stops; the shared local server is never touched. */
    public static class PrivateRedis implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(
                    new TestResourceEntry(KafkaResource.class),
                    new TestResourceEntry(JwtResource.class),
                    new TestResourceEntry(StandaloneRedisResource.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.redis.timeout", "2s");
        }
    }

    @Test
    void redemptionFailsClosedWhileRedisIsDownAndCommandsAreAppliedWhenItReturns() {
        String code = (String) issueCode(newAccount(), "Outage").get("code");
        String blocked = randomIp();
        StandaloneRedis.stop();
        try {
            // a command that arrives during the outage is retried until it can be applied, never dropped
            EventTap.publish(CloudEvent.builder(EventType.COMMAND_BLOCK_IP)
                    .source("/audit-service")
                    .actor("svc:audit-service")
                    .subject(blocked)
                    .data("ip", blocked)
                    .data("until", Instant.now().plus(Duration.ofHours(1)).toString())
                    .build());
            redeem(code, randomIp())
                    .then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .body("code", equalTo("store_unavailable"));
            Api.issue(Api.owner(newAccount()), Map.of("scopes", List.of("data:read")))
                    .then()
                    .statusCode(503);
            given().get("/q/health/ready").then().statusCode(503);
        } finally {
            StandaloneRedis.start();
        }
        // the restarted server lost everything: the code is unknown, and scripts are loaded again
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> redeem(code, randomIp()).then().statusCode(400).body("code", equalTo("invalid_code")));
        String fresh = (String) issueCode(newAccount(), "After Outage").get("code");
        redeem(fresh, randomIp()).then().statusCode(200);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> redeem(Api.randomCode(), blocked).then().statusCode(429));
    }
}
