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
                                "Kafka connection health check"));
    }

    @Test
    void metricsAreExposedForPrometheus() {
        given().when().get("/q/metrics").then().statusCode(200);
    }
}
