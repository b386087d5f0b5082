package io.openclaw.token.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaResource;
import io.openclaw.testing.PostgresResource;
import io.openclaw.testing.RedisResource;
import io.openclaw.token.support.Platform;
import io.openclaw.token.support.ShiftableClock;
import io.openclaw.token.support.UpstreamStandIns;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(ReuseGraceIT.ThirtySecondGrace.class)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = UpstreamStandIns.class, restrictToAnnotatedClass = false)
class ReuseGraceIT {

    /** The same service with a 30-second reuse grace. */
    public static class ThirtySecondGrace implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("openclaw.token.refresh-reuse-grace", "PT30S");
        }
    }

    @Inject
    ShiftableClock clock;

    @Test
    void withinTheGraceARetryGetsTheSameSuccessorNeverANewOne() {
        JsonPath paired = Platform.pairedDevice(Platform.randomAccount(), "data:read");
        String original = paired.getString("refresh_token");
        JsonPath first =
                Platform.refresh(original).then().statusCode(200).extract().jsonPath();
        JsonPath retry = Platform.refresh(original)
                .then()
                .statusCode(200)
                .body("refresh_token", equalTo(first.getString("refresh_token")))
                .body("device_id", equalTo(paired.getString("device_id")))
                .extract()
                .jsonPath();
        assertThat(Platform.isActive(retry.getString("access_token"))).isTrue();
        // the successor is still the one live token of the family
        JsonPath next = Platform.refresh(first.getString("refresh_token"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(next.getString("refresh_token")).isNotEqualTo(first.getString("refresh_token"));
        // the original's successor was rotated meanwhile: a retry with it is reuse, grace or not
        Platform.refresh(original).then().statusCode(400).body("error", equalTo("invalid_grant"));
        Platform.refresh(next.getString("refresh_token")).then().statusCode(400);
    }

    @Test
    void afterTheGraceARetryIsReuseAndRevokesTheFamily() {
        JsonPath paired = Platform.pairedDevice(Platform.randomAccount(), "data:read");
        String original = paired.getString("refresh_token");
        JsonPath first =
                Platform.refresh(original).then().statusCode(200).extract().jsonPath();
        clock.shift(Duration.ofSeconds(31));
        Platform.refresh(original).then().statusCode(400).body("error", equalTo("invalid_grant"));
        Platform.refresh(first.getString("refresh_token")).then().statusCode(400);
        assertThat(Platform.isActive(first.getString("access_token"))).isFalse();
    }
}
