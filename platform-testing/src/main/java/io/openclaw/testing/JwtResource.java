package io.openclaw.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Makes a service under test trust {@link TestJwt}'s key, issuer and audience. */
public class JwtResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of(
                "mp.jwt.verify.publickey.location", TestJwt.jwksLocation(),
                "mp.jwt.verify.issuer", TestJwt.ISSUER,
                "mp.jwt.verify.audiences", TestJwt.AUDIENCE,
                "openclaw.issuer", TestJwt.ISSUER,
                "openclaw.jwks-url", TestJwt.jwksLocation());
    }

    @Override
    public void stop() {
        // the key files live for the whole test JVM
    }
}
