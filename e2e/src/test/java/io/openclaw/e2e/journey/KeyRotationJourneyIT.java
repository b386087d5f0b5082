package io.openclaw.e2e.journey;

import static io.openclaw.e2e.journey.Journeys.keys;
import static io.openclaw.e2e.journey.Journeys.onboard;
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

class KeyRotationJourneyIT {

    @Test
    void aRotatedBackendKeyWorksBesideItsSuccessorDuringTheGraceAndNotAfter() {
        Owner owner = onboard("Rotation Co");
        Http manager = keys().bearer(owner.accessToken());
        Reply created = manager.postJson(
                "/v1/keys", Map.of("name", "billing backend", "scopes", List.of("data:read"), "environment", "test"));
        assertThat(created.status()).isEqualTo(201);
        String oldId = created.field("id");
        String oldKey = created.field("key");
        assertThat(grant(oldId, oldKey).status()).isEqualTo(200);

        Reply rotated = manager.postJson("/v1/keys/" + oldId + "/rotate", Map.of("grace_seconds", 8));
        assertThat(rotated.status()).as("rotate: %s", rotated).isBetween(200, 201);
        String newId = rotated.field("id");
        String newKey = rotated.field("key");
        assertThat(newKey).isNotEqualTo(oldKey).startsWith("ock_test_");

        // both work during the grace
        assertThat(grant(newId, newKey).status()).isEqualTo(200);
        assertThat(grant(oldId, oldKey).status()).isEqualTo(200);

        // only the new one after it
        await().pollInterval(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(40))
                .untilAsserted(() -> assertThat(grant(oldId, oldKey).status()).isEqualTo(401));
        assertThat(grant(newId, newKey).status()).isEqualTo(200);
    }

    @Test
    void aRevokedKeyStopsGettingTokensWithinSeconds() {
        Owner owner = onboard("Revocation Co");
        Http manager = keys().bearer(owner.accessToken());
        Reply created = manager.postJson(
                "/v1/keys", Map.of("name", "reporting", "scopes", List.of("data:read"), "environment", "test"));
        String id = created.field("id");
        String key = created.field("key");
        assertThat(grant(id, key).status()).isEqualTo(200);

        assertThat(manager.delete("/v1/keys/" + id).status()).isIn(200, 204);

        await().pollInterval(Duration.ofMillis(250))
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(grant(id, key).status()).isEqualTo(401));
    }

    private static Reply grant(String keyId, String key) {
        return token().postForm(
                        "/v1/oauth/token",
                        Http.form("grant_type", "client_credentials", "client_id", keyId, "client_secret", key));
    }
}
