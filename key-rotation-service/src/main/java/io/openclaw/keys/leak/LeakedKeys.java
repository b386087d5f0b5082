package io.openclaw.keys.leak;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventFields;
import io.openclaw.events.EventType;
import io.openclaw.events.SecretGuard;
import io.openclaw.keys.account.Account;
import io.openclaw.keys.account.Accounts;
import io.openclaw.keys.apikey.ApiKey;
import io.openclaw.keys.apikey.ApiKeyFormat;
import io.openclaw.keys.apikey.ApiKeyStore;
import io.openclaw.keys.apikey.ApiKeys;
import io.openclaw.keys.apikey.KeyEvents;
import io.openclaw.keys.outbox.Outbox;
import io.openclaw.keys.support.Database;
import io.openclaw.keys.support.Ids;
import io.openclaw.keys.verify.VerificationCache;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Handles leak reports: every candidate that is one of our keys (checksum first, then hash lookup) is
 * revoked or suspended according to its account's {@code leak_policy}, with {@code key.leaked} and an
 * {@code alert.raised}. Reports are processed off the request thread, so neither the answer nor its timing
 * tells the reporter whether anything matched.
 */
@ApplicationScoped
public class LeakedKeys {

    private final Database database;
    private final ApiKeyStore store;
    private final ApiKeys keys;
    private final Accounts accounts;
    private final Outbox outbox;
    private final VerificationCache cache;
    private final Clock clock;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "leak-reports");
        thread.setDaemon(true);
        return thread;
    });

    public LeakedKeys(
            Database database,
            ApiKeyStore store,
            ApiKeys keys,
            Accounts accounts,
            Outbox outbox,
            VerificationCache cache,
            Clock clock) {
        this.database = database;
        this.store = store;
        this.keys = keys;
        this.accounts = accounts;
        this.outbox = outbox;
        this.cache = cache;
        this.clock = clock;
    }

    /** Queues the report; returns at once. */
    public void submit(String reporter, List<String> candidates, String source) {
        List<String> unique = List.copyOf(new LinkedHashSet<>(candidates));
        worker.submit(() -> {
            for (String candidate : unique) {
                try {
                    handle(reporter, candidate, source);
                } catch (RuntimeException e) {
                    Log.warnf("leak candidate could not be handled: %s", e.getMessage());
                }
            }
        });
    }

    /** Handles one candidate; true when one of our keys was revoked or suspended. */
    boolean handle(String reporter, String candidate, String source) {
        if (candidate == null || !ApiKeyFormat.isWellFormed(candidate.strip())) {
            return false;
        }
        byte[] hash = ApiKeyFormat.sha256(candidate.strip());
        String leakSource = source == null || SecretGuard.looksLikeCredential(source) ? null : source;
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Optional<String> changed = database.inTransaction(connection -> {
            Optional<ApiKey> found = store.findByHash(connection, hash);
            if (found.isEmpty()) {
                return Optional.<String>empty();
            }
            ApiKey key = store.lockById(connection, found.get().id()).orElseThrow();
            String policy = accounts.find(connection, key.accountId())
                    .map(Account::leakPolicy)
                    .orElse(Account.REVOKE);
            Map<String, Object> extra = leakSource == null ? Map.of() : Map.of("leak_source", leakSource);
            boolean done = policy.equals(Account.SUSPEND)
                    ? keys.suspendLocked(connection, key, reporter, "leaked", now, extra)
                    : keys.revokeLocked(connection, key, reporter, "leaked", now, extra);
            if (!done) {
                return Optional.<String>empty();
            }
            String action = policy.equals(Account.SUSPEND) ? "suspended" : "revoked";
            CloudEvent leaked = KeyEvents.of(EventType.KEY_LEAKED, key, reporter, now)
                    .reason("reported_leak")
                    .data("action", action)
                    .data("leak_source", leakSource)
                    .build();
            outbox.append(connection, leaked);
            outbox.append(
                    connection,
                    CloudEvent.builder(EventType.ALERT_RAISED)
                            .source(KeyEvents.SOURCE)
                            .time(now)
                            .accountId(key.accountId())
                            .actor(KeyEvents.SYSTEM)
                            .subject(key.id())
                            .data(EventFields.ALERT_ID, "alr_" + Ids.base62(16))
                            .data(EventFields.RULE, "api_key_leaked")
                            .data(EventFields.SEVERITY, "high")
                            .data(EventFields.EVIDENCE, List.of(leaked.id()))
                            .data(EventFields.KEY_ID, key.id())
                            .data("summary", "API key " + key.id() + " was reported leaked and was " + action)
                            .build());
            return Optional.of(key.id());
        });
        changed.ifPresent(id -> {
            cache.invalidateKey(id);
            Log.infof("reported leak of key %s handled", id);
        });
        return changed.isPresent();
    }

    @PreDestroy
    void close() {
        worker.shutdown();
    }
}
