package io.openclaw.token.revocation;

import io.openclaw.token.config.TokenConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.ValueCommands;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The access-token denylist in Redis. A revoked token's {@code jti} is listed until its {@code exp}; a
 * revoked principal (a device, an API key) is listed for one access-token lifetime, which outlives every
 * token issued to it before the revocation.
 */
@ApplicationScoped
public class RevocationDenylist {

    private static final String JTI = "openclaw:token:deny:jti:";
    private static final String SUBJECT = "openclaw:token:deny:sub:";

    private final ValueCommands<String, String> values;
    private final ReactiveValueCommands<String, String> reactiveValues;
    private final TokenConfig config;
    private final Clock clock;

    public RevocationDenylist(
            RedisDataSource redis, ReactiveRedisDataSource reactive, TokenConfig config, Clock clock) {
        this.values = redis.value(String.class);
        this.reactiveValues = reactive.value(String.class);
        this.config = config;
        this.clock = clock;
    }

    /** Lists one access token until it expires. */
    public void denyToken(String jti, Instant expiresAt) {
        long seconds = Duration.between(clock.instant(), expiresAt)
                .plus(config.clockSkew())
                .toSeconds();
        if (seconds > 0) {
            values.setex(JTI + jti, seconds, "1");
        }
    }

    /** Lists every access token issued to the subject so far. */
    public void denySubject(String subject) {
        long seconds = config.accessTokenLifetime().plus(config.clockSkew()).toSeconds();
        values.setex(SUBJECT + subject, seconds, String.valueOf(clock.instant().getEpochSecond()));
    }

    /** Whether the token (by jti) or its subject is listed. */
    public boolean isDenied(String jti, String subject) {
        Map<String, String> found = values.mget(JTI + jti, SUBJECT + subject);
        return found.values().stream().anyMatch(v -> v != null);
    }

    /**
     * Which of the tokens, given as (jti, subject) pairs, are listed, in one Redis round trip: element i
     * of the answer is true when token i's jti or subject is listed.
     */
    public boolean[] deniedAmong(String... jtiAndSubjectPairs) {
        String[] keys = keys(jtiAndSubjectPairs);
        return denied(keys, values.mget(keys));
    }

    /** {@link #deniedAmong} without blocking the calling thread (the answer arrives on its event loop). */
    public Uni<boolean[]> deniedAmongAsync(String... jtiAndSubjectPairs) {
        String[] keys = keys(jtiAndSubjectPairs);
        return reactiveValues.mget(keys).map(found -> denied(keys, found));
    }

    private static String[] keys(String... jtiAndSubjectPairs) {
        String[] keys = new String[jtiAndSubjectPairs.length];
        for (int i = 0; i < keys.length; i += 2) {
            keys[i] = JTI + jtiAndSubjectPairs[i];
            keys[i + 1] = SUBJECT + jtiAndSubjectPairs[i + 1];
        }
        return keys;
    }

    private static boolean[] denied(String[] keys, Map<String, String> found) {
        boolean[] denied = new boolean[keys.length / 2];
        for (int i = 0; i < keys.length; i++) {
            if (found.get(keys[i]) != null) {
                denied[i / 2] = true;
            }
        }
        return denied;
    }

    public boolean isSubjectDenied(String subject) {
        return values.get(SUBJECT + subject) != null;
    }
}
