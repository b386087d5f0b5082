package io.openclaw.pairing.store;

import io.openclaw.events.TraceContext;
import io.openclaw.pairing.config.PairingConfig;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The Redis store: runs the service's Lua scripts (by SHA, loading them again when Redis forgot them) and
 * turns every connection or server failure into {@link StoreUnavailableException}, so callers fail closed.
 */
@ApplicationScoped
public class PairingStore {

    private final RedisDataSource redis;
    private final ReactiveRedisDataSource reactive;
    private final String prefix;

    public PairingStore(RedisDataSource redis, ReactiveRedisDataSource reactive, PairingConfig config) {
        this.redis = redis;
        this.reactive = reactive;
        this.prefix = config.keyPrefix();
    }

    /** The prefix of every key; scripts receive it as their first argument. */
    public String prefix() {
        return prefix;
    }

    /**
     * Runs a script with the given arguments (after the key prefix) and returns its reply as strings. The
     * request's W3C traceparent goes along as the last argument, so the events the script appends carry it.
     */
    public List<String> run(Script script, List<String> args) {
        String[] argv = argv(script, args);
        try {
            return strings(redis.execute("EVALSHA", argv));
        } catch (RuntimeException e) {
            if (!isNoScript(e)) {
                throw unavailable(script.name(), e);
            }
        }
        try {
            redis.execute("SCRIPT", "LOAD", script.source());
            return strings(redis.execute("EVALSHA", argv));
        } catch (RuntimeException e) {
            throw unavailable(script.name(), e);
        }
    }

    /**
     * {@link #run} without blocking the calling thread: the reply arrives on the caller's event loop, so a
     * request handled there costs no thread hand-off.
     */
    public Uni<List<String>> runAsync(Script script, List<String> args) {
        String[] argv = argv(script, args);
        return reactive.execute("EVALSHA", argv)
                .onFailure(PairingStore::isNoScript)
                .recoverWithUni(() -> reactive.execute("SCRIPT", "LOAD", script.source())
                        .chain(() -> reactive.execute("EVALSHA", argv)))
                .map(PairingStore::strings)
                .onFailure(e -> !(e instanceof StoreUnavailableException))
                .transform(e -> unavailable(script.name(), e));
    }

    private String[] argv(Script script, List<String> args) {
        List<String> command = new ArrayList<>(args.size() + 4);
        command.add(script.sha());
        command.add("0");
        command.add(prefix);
        command.addAll(args);
        command.add(Objects.toString(TraceContext.currentTraceparent(), ""));
        return command.toArray(String[]::new);
    }

    /** Runs a plain command and returns the raw reply (null for a nil reply). */
    public Response command(String name, String... args) {
        try {
            return redis.execute(name, args);
        } catch (RuntimeException e) {
            throw unavailable(name, e);
        }
    }

    /** {@link #command} without blocking the calling thread. */
    public Uni<Response> commandAsync(String name, String... args) {
        return reactive.execute(name, args).onFailure().transform(e -> unavailable(name, e));
    }

    /** A reply as a list of strings (nil elements as null). */
    public static List<String> strings(Response response) {
        if (response == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(response.size());
        for (int i = 0; i < response.size(); i++) {
            Response item = response.get(i);
            out.add(item == null ? null : item.toString());
        }
        return Collections.unmodifiableList(out);
    }

    private static boolean isNoScript(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT")) {
                return true;
            }
        }
        return false;
    }

    private static StoreUnavailableException unavailable(String operation, Throwable e) {
        Log.warnf("Redis %s failed: %s", operation, e.toString());
        return new StoreUnavailableException("the pairing store is unavailable", e);
    }
}
