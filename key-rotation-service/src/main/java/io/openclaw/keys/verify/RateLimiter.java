package io.openclaw.keys.verify;

import io.openclaw.keys.web.StoreUnavailableException;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * Fixed-window request counters in Redis. Increment and expiry happen in one Lua script, so concurrent
 * replicas never lose a count or leave a counter without expiry.
 */
@ApplicationScoped
public class RateLimiter {

    private static final String SCRIPT = "local n = redis.call('INCR', KEYS[1]) "
            + "if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return n";

    private final RedisDataSource redis;

    public RateLimiter(RedisDataSource redis) {
        this.redis = redis;
    }

    /** The outcome of one hit: allowed or not, and seconds until the window resets. */
    public record Decision(boolean allowed, long count, long retryAfterSeconds) {}

    /** Counts one request against the bucket's current window. */
    public Decision hit(String bucket, int limit, int windowSeconds, Instant now) {
        long window = now.getEpochSecond() / windowSeconds;
        String key = "openclaw:keys:rate:" + bucket + ":" + windowSeconds + ":" + window;
        long count;
        try {
            count = redis.execute("EVAL", SCRIPT, "1", key, String.valueOf(windowSeconds + 1))
                    .toLong();
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("Redis is unavailable; try again shortly", e);
        }
        long retryAfter = (window + 1) * windowSeconds - now.getEpochSecond();
        return new Decision(count <= limit, count, Math.max(1, retryAfter));
    }
}
