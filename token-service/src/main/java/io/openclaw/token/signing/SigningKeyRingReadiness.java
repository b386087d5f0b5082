package io.openclaw.token.signing;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only with an active signing key in memory: without one no grant can answer. */
@Readiness
@ApplicationScoped
public class SigningKeyRingReadiness implements HealthCheck {

    private final SigningKeyRing keyRing;

    public SigningKeyRingReadiness(SigningKeyRing keyRing) {
        this.keyRing = keyRing;
    }

    @Override
    public HealthCheckResponse call() {
        try {
            SigningKey active = keyRing.active();
            return HealthCheckResponse.named("Signing key ring")
                    .up()
                    .withData("active_kid", active.kid())
                    .withData("published", keyRing.published().size())
                    .build();
        } catch (IllegalStateException e) {
            return HealthCheckResponse.named("Signing key ring").down().build();
        }
    }
}
