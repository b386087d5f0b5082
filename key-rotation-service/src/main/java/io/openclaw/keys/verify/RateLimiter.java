package io.openclaw.keys.verify;

import io.openclaw.keys.web.StoreUnavailableException;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;

/**
 * Fixed-window request counters in Redis. Increment and expiry happen in one Lua script, so concurrent
 * replicas never lose a count or leave a counter without expiry. The verification hot path uses the
 * non-blocking variant, so it never holds a thread while Redis answers.
 */
@ApplicationScoped
public class RateLimiter {

    private static final String SCRIPT = "local n = redis.call('INCR', KEYS[1]) "
            + "if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return n";
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final RedisDataSource redis;
    private final ReactiveRedisDataSource reactiveRedis;

    public RateLimiter(RedisDataSource redis, ReactiveRedisDataSource reactiveRedis) {
        this.redis = redis;
        this.reactiveRedis = reactiveRedis;
    }

    /** The outcome of one hit: allowed or not, and seconds until the window resets. */
    public record Decision(boolean allowed, long count, long retryAfterSeconds) {}

    /** Counts one request against the bucket's current window. */
    public Decision hit(String bucket, int limit, int windowSeconds, Instant now) {
        long window = now.getEpochSecond() / windowSeconds;
        long count;
        try {
            count = redis.execute("EVAL", SCRIPT, "1", key(bucket, windowSeconds, window), ttl(windowSeconds))
                    .toLong();
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("Redis is unavailable; try again shortly", e);
        }
        return decision(count, limit, windowSeconds, window, now);
    }

    /** {@link #hit} without blocking the calling thread (fails with {@link StoreUnavailableException}). */
    public Uni<Decision> hitAsync(String bucket, int limit, int windowSeconds, Instant now) {
        long window = now.getEpochSecond() / windowSeconds;
        return reactiveRedis
                .execute("EVAL", SCRIPT, "1", key(bucket, windowSeconds, window), ttl(windowSeconds))
                .ifNoItem()
                .after(TIMEOUT)
                .fail()
                .onFailure()
                .transform(e -> new StoreUnavailableException("Redis is unavailable; try again shortly", e))
                .map(count -> decision(count.toLong(), limit, windowSeconds, window, now));
    }

    private static String key(String bucket, int windowSeconds, long window) {
        return "openclaw:keys:rate:" + bucket + ":" + windowSeconds + ":" + window;
    }

    private static String ttl(int windowSeconds) {
        return String.valueOf(windowSeconds + 1);
    }

    private static Decision decision(long count, int limit, int windowSeconds, long window, Instant now) {
        long retryAfter = (window + 1) * windowSeconds - now.getEpochSecond();
        return new Decision(count <= limit, count, Math.max(1, retryAfter));
    }
}
