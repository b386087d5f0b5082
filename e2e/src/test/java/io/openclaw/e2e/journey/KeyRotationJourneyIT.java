package io.openclaw.e2e.journey;

import static io.openclaw.e2e.journey.Journeys.keys;
import static io.openclaw.e2e.journey.Journeys.onboard;
import static io.openclaw.e2e.journey.Journeys.pairing;
import static io.openclaw.e2e.journey.Journeys.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openclaw.e2e.Http;
import io.openclaw.e2e.Http.Reply;
import io.openclaw.e2e.journey.FaultsIT.Load;
import io.openclaw.e2e.journey.Journeys.Owner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class KeyRotationJourneyIT {

    /**
     * A backend gets tokens with its key and has them verified at pairing-service in a loop while the key's
     * scheduled rotation comes due: the old key works through the grace, the backend collects the successor
     * once and switches, and not one grant or verification fails.
     */
    @Test
    void aScheduledRotationDuringTokenVerificationLoadFailsNotOneRequest() throws Exception {
        Owner owner = onboard("Scheduled Rotation Co");
        Http manager = keys().bearer(owner.accessToken());
        Reply created = manager.postJson(
                "/v1/keys",
                Map.of(
                        "name",
                        "scheduled backend",
                        "scopes",
                        List.of("pairing:issue", "data:read"),
                        "environment",
                        "test",
                        "rotation_policy",
                        Map.of("every_days", 30, "grace_seconds", 120)));
        assertThat(created.status()).as("create: %s", created).isEqualTo(201);
        String oldId = created.field("id");
        AtomicReference<String[]> credentials = new AtomicReference<>(new String[] {oldId, created.field("key")});
        AtomicInteger verified = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();

        try (Load load = Load.start(2, worker -> {
            String[] current = credentials.get();
            Reply grant = grant(current[0], current[1]);
            if (grant.status() != 200) {
                failed.incrementAndGet();
                return;
            }
            Reply listed = pairing().bearer(grant.field("access_token")).get("/v1/pairing-codes");
            if (listed.status() == 200) {
                verified.incrementAndGet();
            } else {
                failed.incrementAndGet();
            }
        })) {
            load.awaitCompleted(20);
            // thirty days pass for this key: its rotation comes due now
            try (Connection db = Journeys.platform().postgres.connect(Journeys.platform().keysDatabase);
                    PreparedStatement due =
                            db.prepareStatement("UPDATE api_keys SET next_rotation_at = now() WHERE id = ?")) {
                due.setString(1, oldId);
                assertThat(due.executeUpdate()).isEqualTo(1);
            }
            String successor = await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> manager.get("/v1/keys/" + oldId).field("successor_id"), id -> id != null);
            load.awaitCompleted(load.completed() + 20);

            Reply revealed = manager.postJson("/v1/keys/" + successor + "/reveal", Map.of());
            assertThat(revealed.status()).as("reveal: %s", revealed).isEqualTo(200);
            assertThat(manager.postJson("/v1/keys/" + successor + "/reveal", Map.of())
                            .status())
                    .as("the successor is revealed once")
                    .isEqualTo(404);
            credentials.set(new String[] {successor, revealed.field("key")});
            load.awaitCompleted(load.completed() + 20);
        }

        assertThat(failed.get())
                .as("grants or verifications that failed during the rotation")
                .isZero();
        assertThat(verified.get()).isGreaterThan(55);
        assertThat(manager.get("/v1/keys/" + oldId).field("stage")).isEqualTo("previous");
        System.out.printf(
                "[journey] scheduled key rotation under load: %d grants verified, 0 failed%n", verified.get());
    }

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
