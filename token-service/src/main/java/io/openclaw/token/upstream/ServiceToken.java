package io.openclaw.token.upstream;

import io.openclaw.token.access.AccessTokenMinter;
import io.openclaw.token.access.AccessTokenMinter.MintedToken;
import io.openclaw.token.config.TokenConfig;
import io.openclaw.token.events.TokenEvents;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The service JWT token-service presents to pairing-service and key-rotation-service: {@code sub}
 * {@code svc:token-service}, no {@code acc}, scopes {@code pairing:redeem keys:verify}, five minutes,
 * reused until a minute before it expires.
 */
@ApplicationScoped
public class ServiceToken {

    static final List<String> SCOPES = List.of("pairing:redeem", "keys:verify");
    private static final Duration RENEW_BEFORE = Duration.ofSeconds(60);

    private final AccessTokenMinter minter;
    private final TokenConfig config;
    private final Clock clock;
    private volatile MintedToken current;

    public ServiceToken(AccessTokenMinter minter, TokenConfig config, Clock clock) {
        this.minter = minter;
        this.config = config;
        this.clock = clock;
    }

    /** The {@code Authorization} header value. */
    public String authorization() {
        MintedToken token = current;
        if (token == null || clock.instant().plus(RENEW_BEFORE).isAfter(token.expiresAt())) {
            synchronized (this) {
                token = current;
                if (token == null || clock.instant().plus(RENEW_BEFORE).isAfter(token.expiresAt())) {
                    token = minter.mint(
                            new AccessTokenMinter.Request(
                                    TokenEvents.SERVICE_ACTOR, null, TokenEvents.SERVICE_ACTOR, SCOPES),
                            config.serviceTokenLifetime());
                    current = token;
                }
            }
        }
        return "Bearer " + token.jwt();
    }
}
