package io.openclaw.e2e.journey;

import static io.openclaw.e2e.journey.Journeys.onboard;
import static io.openclaw.e2e.journey.Journeys.pairing;
import static io.openclaw.e2e.journey.Journeys.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openclaw.e2e.Http;
import io.openclaw.e2e.Http.Reply;
import io.openclaw.e2e.journey.Journeys.Owner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceFlowJourneyIT {

    private static final String GRANT = "urn:ietf:params:oauth:grant-type:device_code";

    @Test
    void aDeviceShowsACodeTheOwnerApprovesWithFewerScopesAndTheDeviceGetsOnlyThose() {
        Owner owner = onboard("Device Flow Co");

        Reply authorization = pairing()
                .postForm(
                        "/v1/oauth/device_authorization",
                        Http.form("client_id", owner.accountId(), "scope", "data:read device:control"));
        assertThat(authorization.status())
                .as("device authorization: %s", authorization)
                .isEqualTo(200);
        String deviceCode = authorization.field("device_code");
        String userCode = authorization.field("user_code");
        assertThat(userCode).matches("[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}");
        assertThat(authorization.json().get("interval").asInt()).isEqualTo(5);
        assertThat(authorization.field("verification_uri_complete"))
                .contains(userCode.replace("-", "").substring(0, 2));

        // the device polls before approval: pending, then too fast
        Reply pending = poll(deviceCode, owner);
        assertThat(pending.field("error")).isEqualTo("authorization_pending");
        Reply tooFast = poll(deviceCode, owner);
        assertThat(tooFast.field("error")).isEqualTo("slow_down");

        // the owner approves with fewer scopes than asked
        Reply approved = pairing()
                .bearer(owner.accessToken())
                .postJson(
                        "/v1/device/verify",
                        Map.of("user_code", userCode, "action", "approve", "scopes", List.of("data:read")));
        assertThat(approved.status()).as("approve: %s", approved).isBetween(200, 204);

        // polling at the interval raised by slow_down (5 s + 5 s), the device gets only the approved scope
        Duration interval = Duration.ofSeconds(11);
        Reply tokens = await().pollDelay(interval)
                .pollInterval(interval)
                .atMost(Duration.ofSeconds(60))
                .until(() -> poll(deviceCode, owner), r -> r.status() == 200 || !"slow_down".equals(r.field("error")));
        assertThat(tokens.status()).as("device token: %s", tokens).isEqualTo(200);
        assertThat(tokens.field("scope")).isEqualTo("data:read");
        assertThat(tokens.field("refresh_token")).startsWith("ocr_");

        // the device_code is single-use
        Reply reused = await().pollDelay(interval)
                .pollInterval(interval)
                .atMost(Duration.ofSeconds(60))
                .until(() -> poll(deviceCode, owner), r -> !"slow_down".equals(r.field("error")));
        assertThat(reused.status()).isEqualTo(400);
        assertThat(reused.field("error")).isIn("invalid_grant", "expired_token");
    }

    @Test
    void aDeniedAuthorizationAnswersAccessDenied() {
        Owner owner = onboard("Denied Co");
        Reply authorization = pairing()
                .postForm(
                        "/v1/oauth/device_authorization",
                        Http.form("client_id", owner.accountId(), "scope", "data:read"));
        assertThat(authorization.status()).isEqualTo(200);

        Reply denied = pairing()
                .bearer(owner.accessToken())
                .postJson("/v1/device/verify", Map.of("user_code", authorization.field("user_code"), "action", "deny"));
        assertThat(denied.status()).isBetween(200, 204);

        Reply answer = poll(authorization.field("device_code"), owner);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.field("error")).isEqualTo("access_denied");
    }

    private static Reply poll(String deviceCode, Owner owner) {
        return token().postForm(
                        "/v1/oauth/token",
                        Http.form("grant_type", GRANT, "device_code", deviceCode, "client_id", owner.accountId()));
    }
}
