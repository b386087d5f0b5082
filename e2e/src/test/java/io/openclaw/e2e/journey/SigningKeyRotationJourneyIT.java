package io.openclaw.e2e.journey;

import static io.openclaw.e2e.journey.Journeys.onboard;
import static io.openclaw.e2e.journey.Journeys.pairing;
import static io.openclaw.e2e.journey.Journeys.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openclaw.e2e.Http;
import io.openclaw.e2e.Http.Reply;
import io.openclaw.e2e.journey.FaultsIT.Load;
import io.openclaw.e2e.journey.Journeys.Owner;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SigningKeyRotationJourneyIT {

    @Test
    void aSigningKeyRotationUnderVerificationLoadFailsNotOneVerification() throws Exception {
        Owner owner = onboard("Rotation Load Co");
        String firstKid = kid(owner.accessToken());
        Set<String> kidsSeen = ConcurrentHashMap.newKeySet();
        AtomicInteger verified = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();

        // each step mints a fresh token at token-service and has pairing-service verify it against the JWKS
        try (Load load = Load.start(2, worker -> {
            String access = Journeys.clientCredentials(owner.keyId(), owner.key());
            kidsSeen.add(kid(access));
            Reply listed = pairing().bearer(access).get("/v1/pairing-codes");
            if (listed.status() == 200) {
                verified.incrementAndGet();
            } else {
                refused.incrementAndGet();
            }
        })) {
            load.awaitCompleted(20);
            Reply rotation = token().bearer(Journeys.adminToken()).postJson("/v1/admin/signing-keys/rotate", Map.of());
            assertThat(rotation.status()).as("rotate: %s", rotation).isBetween(200, 202);
            String nextKid = rotation.field("kid");
            assertThat(nextKid).isNotEqualTo(firstKid);

            // the new key is published first and signs only after the propagation delay
            await().atMost(Duration.ofSeconds(90)).until(() -> kidsSeen.contains(nextKid));
            load.awaitCompleted(load.completed() + 40);
        }

        assertThat(refused.get())
                .as("verifications refused during the rotation")
                .isZero();
        assertThat(kidsSeen).contains(firstKid);
        assertThat(verified.get()).isGreaterThan(60);
        // a token signed by the retiring key still verifies while it lives
        assertThat(pairing()
                        .bearer(owner.accessToken())
                        .get("/v1/pairing-codes")
                        .status())
                .isEqualTo(200);
        System.out.printf(
                "[journey] signing-key rotation: %d verifications, 0 refused, kids %s%n", verified.get(), kidsSeen);
    }

    private static String kid(String jwt) {
        try {
            String header = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]));
            return Http.JSON.readTree(header).get("kid").asText();
        } catch (Exception e) {
            throw new IllegalStateException("not a JWT", e);
        }
    }
}
