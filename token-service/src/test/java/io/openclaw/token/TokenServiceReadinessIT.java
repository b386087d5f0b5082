package io.openclaw.token;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaResource;
import io.openclaw.testing.PostgresResource;
import io.openclaw.testing.RedisResource;
import io.openclaw.token.support.UpstreamStandIns;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = UpstreamStandIns.class, restrictToAnnotatedClass = false)
class TokenServiceReadinessIT {

    @Test
    void readinessChecksTheRealStoresAndTheBroker() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body(
                        "checks.name",
                        hasItems(
                                "Reactive PostgreSQL connections health check",
                                "Redis connection health check",
                                "Kafka connection health check",
                                "Signing key ring"));
    }

    @Test
    void metricsAreExposedForPrometheus() {
        given().contentType(io.restassured.http.ContentType.URLENC)
                .formParam("grant_type", "password")
                .post("/v1/oauth/token")
                .then()
                .statusCode(400);
        String metrics = given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        org.assertj.core.api.Assertions.assertThat(metrics.lines().filter(l -> l.startsWith("openclaw_token_grants")))
                .anyMatch(l -> l.contains("grant_type=\"other\"") && l.contains("outcome=\"unsupported_grant_type\""));
    }
}
