package io.openclaw.token.access;

import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

/**
 * token-service verifies bearer tokens on its own endpoints against its key ring (not its own JWKS over
 * HTTP) with the same checks as introspection, denylist included.
 */
@ApplicationScoped
@Alternative
@Priority(1)
public class LocalAccessTokenPrincipalFactory extends JWTCallerPrincipalFactory {

    private final AccessTokenVerifier verifier;

    public LocalAccessTokenPrincipalFactory(AccessTokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public JWTCallerPrincipal parse(String token, JWTAuthContextInfo authContextInfo) throws ParseException {
        return verifier.verify(token)
                .map(claims -> {
                    claims.setClaim("raw_token", token);
                    return (JWTCallerPrincipal) new DefaultJWTCallerPrincipal(token, "JWT", claims);
                })
                .orElseThrow(() -> new ParseException("invalid access token"));
    }
}
