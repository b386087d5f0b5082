package io.openclaw.pairing.account;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.IdFormat;
import io.openclaw.pairing.config.PairingConfig;
import io.openclaw.pairing.store.PairingStore;
import io.openclaw.pairing.store.Script;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The device scopes each account may grant to devices, learned from {@code io.openclaw.key.account.created}
 * events ({@code device_scopes}, {@code device_client_id}); an account never seen has the default catalog.
 */
@ApplicationScoped
public class DeviceScopeCatalog {

    private static final Pattern SCOPE = Pattern.compile("[a-z][a-z0-9_.-]*(:[a-z0-9_.-]+)*");

    /** How long an account that has no catalog (yet) is answered with the defaults without asking Redis. */
    private static final long UNKNOWN_MILLIS = 1_000;

    private static final int MAX_CACHED = 10_000;

    private record Cached(Set<String> scopes, long untilMillis) {}

    private final PairingStore store;
    private final PairingConfig config;
    private final Set<String> defaults;
    /**
     * Catalogs read from Redis. An account's catalog is set once, from its {@code account.created} event, so
     * a known catalog is kept; an unknown account is asked again after a second, as its event may be on its way.
     */
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    public DeviceScopeCatalog(PairingStore store, PairingConfig config) {
        this.store = store;
        this.config = config;
        this.defaults = Set.copyOf(config.defaultDeviceScopes());
    }

    /** The scopes devices of this account may be granted. */
    public Set<String> forAccount(String accountId) {
        Cached cached = cached(accountId);
        if (cached != null) {
            return cached.scopes();
        }
        return remember(accountId, store.command("HGET", key(accountId), "scopes"));
    }

    /** {@link #forAccount} without blocking: from memory, or one non-blocking Redis read. */
    public Uni<Set<String>> forAccountAsync(String accountId) {
        Cached cached = cached(accountId);
        if (cached != null) {
            return Uni.createFrom().item(cached.scopes());
        }
        return store.commandAsync("HGET", key(accountId), "scopes").map(scopes -> remember(accountId, scopes));
    }

    private String key(String accountId) {
        return store.prefix() + "account:" + accountId;
    }

    private Cached cached(String accountId) {
        Cached cached = cache.get(accountId);
        return cached != null && System.currentTimeMillis() < cached.untilMillis() ? cached : null;
    }

    private Set<String> remember(String accountId, Response scopes) {
        Cached read = scopes == null
                ? new Cached(defaults, System.currentTimeMillis() + UNKNOWN_MILLIS)
                : new Cached(Collections.unmodifiableSet(parse(scopes.toString())), Long.MAX_VALUE);
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(accountId, read);
        return read.scopes();
    }

    /** The account whose device client id this is, if any. */
    public Optional<String> accountOfClient(String clientId) {
        if (clientId == null || clientId.isEmpty() || clientId.length() > 128) {
            return Optional.empty();
        }
        Response account = store.command("GET", store.prefix() + "client:" + clientId);
        if (account != null) {
            return Optional.of(account.toString());
        }
        return IdFormat.isAccountId(clientId) ? Optional.of(clientId) : Optional.empty();
    }

    /** Applies an account.created event once (redeliveries are dropped by event id). */
    public boolean learn(CloudEvent event) {
        String account = event.accountId();
        if (account == null || !IdFormat.isAccountId(account)) {
            Log.warnf("account event %s has no usable account_id; ignored", event.id());
            return false;
        }
        Set<String> scopes = scopesOf(event);
        String clientId = Optional.ofNullable(event.string("device_client_id"))
                .filter(c -> !c.isBlank() && c.length() <= 128)
                .orElse(account);
        List<String> reply = store.run(
                Script.LEARN_ACCOUNT,
                List.of(
                        event.id(),
                        account,
                        String.join(" ", scopes),
                        clientId,
                        String.valueOf(config.inbound().dedupe().toMillis())));
        boolean applied = "applied".equals(reply.get(0));
        cache.remove(account);
        if (applied) {
            Log.infof("account %s: device-scope catalog of %d scopes, client id %s", account, scopes.size(), clientId);
        }
        return applied;
    }

    private Set<String> scopesOf(CloudEvent event) {
        Object raw = event.data().get("device_scopes");
        if (raw instanceof List<?> list) {
            Set<String> scopes = new LinkedHashSet<>();
            list.forEach(item -> scopes.add(String.valueOf(item)));
            return valid(scopes);
        }
        if (raw instanceof String text && !text.isBlank()) {
            return valid(parse(text));
        }
        return defaults;
    }

    private Set<String> valid(Set<String> scopes) {
        Set<String> valid = new LinkedHashSet<>();
        for (String scope : scopes) {
            if (SCOPE.matcher(scope).matches() && scope.length() <= 64) {
                valid.add(scope);
            }
        }
        return valid.isEmpty() ? defaults : valid;
    }

    private static Set<String> parse(String text) {
        Set<String> scopes = new LinkedHashSet<>();
        for (String scope : text.trim().split("[\\s,]+")) {
            if (!scope.isEmpty()) {
                scopes.add(scope);
            }
        }
        return scopes;
    }
}
