package io.openclaw.pairing;

import static io.openclaw.pairing.Api.issue;
import static io.openclaw.pairing.Api.newAccount;
import static io.openclaw.pairing.Api.owner;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaBroker;
import io.openclaw.testing.KafkaResource;
import io.openclaw.testing.RedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(AuditFailClosedIT.FailClosed.class)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
class AuditFailClosedIT {

    /** The fail-closed audit switch on, with a short bound. */
    public static class FailClosed implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("openclaw.audit.fail-closed", "true", "openclaw.audit.fail-closed-timeout", "2s");
        }
    }

    @Test
    void nothingIsIssuedWhileTheBrokerIsDownAndIssuanceWorksAgainAfterItReturns() {
        String account = newAccount();
        String owner = owner(account);
        Map<String, Object> body = Map.of("scopes", List.of("data:read"), "label", "Audit Outage");
        issue(owner, body).then().statusCode(201);
        given().auth()
                .oauth2(owner)
                .delete("/v1/pairing-codes/" + firstCode(owner))
                .then()
                .statusCode(204);

        KafkaBroker broker = KafkaBroker.shared();
        broker.stop();
        try {
            issue(owner, body)
                    .then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", notNullValue())
                    .body("code", equalTo("audit_unavailable"));
            given().auth()
                    .oauth2(owner)
                    .get("/v1/pairing-codes")
                    .then()
                    .statusCode(200)
                    .body("items", empty());
            given().contentType("application/x-www-form-urlencoded")
                    .formParam("client_id", account)
                    .post("/v1/oauth/device_authorization")
                    .then()
                    .statusCode(503)
                    .header("Retry-After", notNullValue())
                    .body("error", equalTo("temporarily_unavailable"));
        } finally {
            broker.start();
        }
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> issue(owner, body).statusCode() == 201);
        given().auth()
                .oauth2(owner)
                .get("/v1/pairing-codes")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(1));
        given().get("/q/metrics")
                .then()
                .body(containsString("openclaw_audit_fail_closed_refusals_total{service=\"pairing-service\"}"));
    }

    private static String firstCode(String owner) {
        return given().auth().oauth2(owner).get("/v1/pairing-codes").jsonPath().getString("items[0].id");
    }
}
