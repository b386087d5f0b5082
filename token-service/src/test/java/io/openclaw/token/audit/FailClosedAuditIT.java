package io.openclaw.token.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaBroker;
import io.openclaw.testing.KafkaResource;
import io.openclaw.testing.PostgresResource;
import io.openclaw.testing.RedisResource;
import io.openclaw.token.support.Platform;
import io.openclaw.token.support.UpstreamStandIns;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(FailClosedAuditIT.FailClosed.class)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = UpstreamStandIns.class, restrictToAnnotatedClass = false)
class FailClosedAuditIT {

    /** The same service with the fail-closed audit switch on. */
    public static class FailClosed implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("openclaw.audit.fail-closed", "true", "openclaw.audit.fail-closed-timeout", "PT5S");
        }
    }

    @Test
    void withoutTheBrokerNoTokenIsHandedOutAndTheSameRefreshTokenWorksOnceItIsBack() {
        String account = Platform.randomAccount();
        String keyId = "key_f" + account.substring(4);
        String secret = Platform.registerKey(keyId, account, "VALID", "devices:read");
        JsonPath paired = Platform.pairedDevice(account, "data:read");
        String refreshToken = paired.getString("refresh_token");
        double refusalsBefore = Platform.metric("openclaw_audit_fail_closed_refusals_total{service=\"token-service\"}");

        KafkaBroker broker = KafkaBroker.shared();
        broker.stop();
        try {
            refused(Platform.refresh(refreshToken));
            refused(Platform.clientCredentials(keyId, secret, null));
        } finally {
            broker.start();
        }
        assertThat(Platform.metric("openclaw_audit_fail_closed_refusals_total{service=\"token-service\"}"))
                .isGreaterThanOrEqualTo(refusalsBefore + 2);

        // the refused rotation handed nothing out: the client retries with the same refresh token
        AtomicReference<JsonPath> recovered = new AtomicReference<>();
        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    Response retry = Platform.refresh(refreshToken);
                    if (retry.statusCode() == 200) {
                        recovered.set(retry.jsonPath());
                        return true;
                    }
                    retry.then().statusCode(503);
                    return false;
                });
        String successor = recovered.get().getString("refresh_token");
        assertThat(successor).startsWith("ocr_").isNotEqualTo(refreshToken);
        assertThat(Platform.isActive(recovered.get().getString("access_token"))).isTrue();
        Platform.clientCredentials(keyId, secret, null).then().statusCode(200).body("access_token", notNullValue());
        // the successor it got is the family's one live token; the old one, now handed over, is reuse
        JsonPath next =
                Platform.refresh(successor).then().statusCode(200).extract().jsonPath();
        assertThat(next.getString("device_id")).isEqualTo(paired.getString("device_id"));
        Platform.refresh(refreshToken).then().statusCode(400).body("error", equalTo("invalid_grant"));
    }

    private static void refused(Response response) {
        response.then()
                .statusCode(503)
                .header("Retry-After", notNullValue())
                .body("error", equalTo("temporarily_unavailable"))
                .body("access_token", nullValue())
                .body("refresh_token", nullValue());
    }
}
