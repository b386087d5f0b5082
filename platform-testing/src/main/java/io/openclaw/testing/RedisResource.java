package io.openclaw.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * An isolated logical database (index 1–15) on the local Redis server for one test run. The index is
 * claimed atomically in database 0 ({@code SET NX EX}), so concurrent test JVMs never share one, and it is
 * flushed and released afterwards.
 */
public class RedisResource implements QuarkusTestResourceLifecycleManager {

    private static final int CLAIM_SECONDS = 3600;
    private int database = -1;

    @Override
    public Map<String, String> start() {
        LocalServices.requireReachable(
                "Redis", LocalServices.REDIS_HOST, LocalServices.REDIS_PORT, LocalServices.REDIS_START);
        database = claimDatabase();
        return Map.of("quarkus.redis.hosts", url(database), "quarkus.redis.devservices.enabled", "false");
    }

    @Override
    public void stop() {
        if (database > 0) {
            releaseDatabase(database);
        }
    }

    public static String url(int database) {
        return "redis://" + LocalServices.REDIS_HOST + ":" + LocalServices.REDIS_PORT + "/" + database;
    }

    /** Claims a free logical database, flushes it, and returns its index. */
    public static int claimDatabase() {
        String owner = ProcessHandle.current().pid() + "@" + System.nanoTime();
        try (RedisConnection redis = RedisConnection.open()) {
            for (int attempt = 0; attempt < 2; attempt++) {
                for (int index = 1; index < 16; index++) {
                    Object ok = redis.command("SET", claimKey(index), owner, "NX", "EX", String.valueOf(CLAIM_SECONDS));
                    if ("OK".equals(ok)) {
                        redis.command("SELECT", String.valueOf(index));
                        redis.command("FLUSHDB");
                        redis.command("SELECT", "0");
                        return index;
                    }
                }
                releaseStaleClaims(redis);
            }
        }
        throw new IllegalStateException("all 15 Redis test databases are claimed; stale claims expire after "
                + CLAIM_SECONDS + " s (keys openclaw:test-db:* in database 0)");
    }

    public static void releaseDatabase(int index) {
        try (RedisConnection redis = RedisConnection.open()) {
            redis.command("SELECT", String.valueOf(index));
            redis.command("FLUSHDB");
            redis.command("SELECT", "0");
            redis.command("DEL", claimKey(index));
        }
    }

    /** Frees claims whose owning JVM on this machine is gone (a test JVM killed before it could release). */
    private static void releaseStaleClaims(RedisConnection redis) {
        for (int index = 1; index < 16; index++) {
            Object owner = redis.command("GET", claimKey(index));
            if (owner instanceof String value && value.contains("@")) {
                long pid = Long.parseLong(value.substring(0, value.indexOf('@')));
                boolean alive =
                        ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                if (!alive) {
                    // delete only if still owned by the dead JVM
                    redis.command(
                            "EVAL",
                            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
                            "1",
                            claimKey(index),
                            value);
                }
            }
        }
    }

    private static String claimKey(int index) {
        return "openclaw:test-db:" + index;
    }
}
