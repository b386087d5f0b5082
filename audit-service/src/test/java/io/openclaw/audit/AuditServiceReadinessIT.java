package io.openclaw.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaResource;
import io.openclaw.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = DetectionStateResource.class, restrictToAnnotatedClass = false)
class AuditServiceReadinessIT {

    @Test
    void readinessChecksTheRealStoresAndTheBroker() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body(
                        "checks.name",
                        hasItems("Reactive PostgreSQL connections health check", "Kafka connection health check"));
    }

    @Test
    void livenessIncludesTheAuditLogWriter() {
        given().when()
                .get("/q/health/live")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'audit log writer' }.status", equalTo("UP"));
    }

    @Test
    void metricsAreExposedForPrometheusWithTheDeadLetterCountersAndTheOutboxLag() {
        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(org.hamcrest.Matchers.containsString(
                        "openclaw_audit_dead_letters_total{reason=\"schema_violation\""))
                .body(org.hamcrest.Matchers.containsString("openclaw_outbox_lag_seconds{service=\"audit-service\"}"));
    }
}
