package io.openclaw.events.auth;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * A verified access token that a service keeps for the token's next requests: each claim is read from the
 * parsed token once and then answered from memory, because every request with the same token asks for the
 * same claims again (and smallrye-jwt's lookup of a claim outside the standard set, such as {@code acc},
 * costs an exception each time).
 */
public final class RememberedToken implements JsonWebToken {

    private final JsonWebToken token;
    private final ConcurrentHashMap<String, Optional<Object>> claims = new ConcurrentHashMap<>();
    private final Set<String> groups;

    private RememberedToken(JsonWebToken token) {
        this.token = token;
        this.groups = Set.copyOf(token.getGroups());
    }

    /** The token, answering its claims from memory (a token already remembered is returned as it is). */
    public static JsonWebToken of(JsonWebToken token) {
        return token instanceof RememberedToken ? token : new RememberedToken(token);
    }

    @Override
    public String getName() {
        return token.getName();
    }

    @Override
    public Set<String> getClaimNames() {
        return token.getClaimNames();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getClaim(String name) {
        return (T) claims.computeIfAbsent(name, n -> Optional.ofNullable(token.getClaim(n)))
                .orElse(null);
    }

    @Override
    public Set<String> getGroups() {
        return groups;
    }

    @Override
    public String toString() {
        return token.toString();
    }
}
