package io.openclaw.keys.account;

import static io.openclaw.keys.support.Database.at;
import static io.openclaw.keys.support.Database.textArray;

import io.openclaw.keys.apikey.ApiKeyFormat;
import io.openclaw.keys.config.KeysConfig;
import io.openclaw.keys.support.Database;
import io.openclaw.keys.web.Caller;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;

/**
 * Ensures the bootstrap platform-admin key at start-up, so a fresh platform can be used at all. The key
 * (from a Secret) or its SHA-256 comes from configuration; the reserved account {@code acc_platform} and
 * the key row are upserted with {@code ON CONFLICT}, so restarts and two replicas starting together are
 * safe. A changed Secret replaces the stored hash.
 */
@ApplicationScoped
public class BootstrapAdminKey {

    private final Database database;
    private final Accounts accounts;
    private final KeysConfig config;
    private final Clock clock;

    public BootstrapAdminKey(Database database, Accounts accounts, KeysConfig config, Clock clock) {
        this.database = database;
        this.accounts = accounts;
        this.config = config;
        this.clock = clock;
    }

    void onStart(@Observes StartupEvent event) {
        byte[] hash;
        String prefix;
        if (config.bootstrapAdminKey().filter(k -> !k.isBlank()).isPresent()) {
            String key = config.bootstrapAdminKey().get().strip();
            if (!ApiKeyFormat.isWellFormed(key)) {
                throw new IllegalStateException(
                        "openclaw.keys.bootstrap-admin-key is not a well-formed ock_live_/ock_test_ key");
            }
            hash = ApiKeyFormat.sha256(key);
            prefix = ApiKeyFormat.displayPrefix(key);
        } else if (config.bootstrapAdminKeySha256().filter(h -> !h.isBlank()).isPresent()) {
            String hex = config.bootstrapAdminKeySha256().get().strip();
            if (!hex.matches("^[0-9a-fA-F]{64}$")) {
                throw new IllegalStateException("openclaw.keys.bootstrap-admin-key-sha256 is not a hex SHA-256");
            }
            hash = HexFormat.of().parseHex(hex);
            prefix = "ock_live_…";
        } else {
            Log.info("no bootstrap admin key configured (openclaw.keys.bootstrap-admin-key)");
            return;
        }
        ensure(hash, prefix);
    }

    void ensure(byte[] hash, String prefix) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String keyId = config.bootstrapAdminKeyId();
        List<String> scopes = List.copyOf(config.bootstrapAdminScopes());
        database.inTransaction(connection -> {
            accounts.insertIfAbsent(
                    connection,
                    new Account(
                            Caller.PLATFORM_ACCOUNT,
                            "Platform",
                            List.copyOf(config.defaultDeviceScopes()),
                            Account.SUSPEND,
                            now));
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO api_keys (id, account_id, name,"
                    + " key_hash, display_prefix, environment, scopes, status, stage, created_at, updated_at)"
                    + " VALUES (?, ?, 'Bootstrap platform admin', ?, ?, 'live', ?, 'active', 'current', ?, ?)"
                    + " ON CONFLICT (id) DO UPDATE SET key_hash = EXCLUDED.key_hash,"
                    + " display_prefix = EXCLUDED.display_prefix, scopes = EXCLUDED.scopes,"
                    + " updated_at = EXCLUDED.updated_at WHERE api_keys.key_hash <> EXCLUDED.key_hash")) {
                upsert.setString(1, keyId);
                upsert.setString(2, Caller.PLATFORM_ACCOUNT);
                upsert.setBytes(3, hash);
                upsert.setString(4, prefix);
                upsert.setArray(5, textArray(connection, scopes));
                upsert.setObject(6, at(now));
                upsert.setObject(7, at(now));
                int changed = upsert.executeUpdate();
                Log.infof("bootstrap admin key %s %s", keyId, changed == 1 ? "ensured" : "already present");
            }
            return null;
        });
    }
}
