package io.openclaw.keys.verify;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.keys.support.Api;
import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaResource;
import io.openclaw.testing.PostgresResource;
import io.openclaw.testing.RedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
class VerificationMetricsIT {

    @Test
    void prometheusCountsVerificationsByCodeAndTimesThem() {
        double validBefore = sample(metrics(), "openclaw_keys_verifications_total", "code=\"VALID\"");
        double malformedBefore = sample(metrics(), "openclaw_keys_verifications_total", "code=\"MALFORMED\"");
        double timedBefore = sample(metrics(), "openclaw_keys_verification_duration_seconds_count", "");

        String account = Api.newAccount("Metrics");
        String key = Api.newKey(account, "data:read").getString("key");
        assertThat(Api.verifyCode(key, "data:read")).isEqualTo("VALID");
        assertThat(Api.verifyCode("ock_live_not-a-key")).isEqualTo("MALFORMED");

        String after = metrics();
        assertThat(sample(after, "openclaw_keys_verifications_total", "code=\"VALID\""))
                .isEqualTo(validBefore + 1);
        assertThat(sample(after, "openclaw_keys_verifications_total", "code=\"MALFORMED\""))
                .isEqualTo(malformedBefore + 1);
        assertThat(sample(after, "openclaw_keys_verification_duration_seconds_count", ""))
                .isEqualTo(timedBefore + 2);
        assertThat(after).containsPattern("openclaw_outbox_lag_seconds\\{[^}]*service=\"key-rotation-service\"");
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /**
     * The value of the first sample of {@code name} whose labels contain {@code label} (an exemplar after the
     * value is ignored); 0 when absent.
     */
    private static double sample(String exposition, String name, String label) {
        Pattern line =
                Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+)( #.*)?$", Pattern.MULTILINE);
        Matcher matcher = line.matcher(exposition);
        while (matcher.find()) {
            String labels = matcher.group(1) == null ? "" : matcher.group(1);
            if (labels.contains(label)) {
                return Double.parseDouble(matcher.group(2));
            }
        }
        return 0;
    }
}
