package io.openclaw.keys.account;

import static io.openclaw.keys.support.Database.at;
import static io.openclaw.keys.support.Database.instant;
import static io.openclaw.keys.support.Database.strings;
import static io.openclaw.keys.support.Database.textArray;

import io.openclaw.events.CloudEvent;
import io.openclaw.events.DisplayText;
import io.openclaw.events.EventType;
import io.openclaw.events.TraceContext;
import io.openclaw.events.delivery.DeliveryTracker;
import io.openclaw.keys.apikey.KeyEvents;
import io.openclaw.keys.config.KeysConfig;
import io.openclaw.keys.outbox.AuditGate;
import io.openclaw.keys.outbox.Outbox;
import io.openclaw.keys.support.Database;
import io.openclaw.keys.support.Ids;
import io.openclaw.keys.web.Caller;
import io.openclaw.keys.web.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Creating and reading accounts; creation publishes {@code io.openclaw.key.account.created}. */
@ApplicationScoped
public class Accounts {

    private static final Pattern DEVICE_SCOPE = Pattern.compile("^[a-z][a-z0-9_.-]*(:[a-z0-9_.-]+)*$");
    /**
     * Namespaces of the platform's own (administrative) scopes: a paired device must never get one, since a
     * device token with {@code keys:manage} or {@code platform:admin} would administer the platform.
     */
    private static final Set<String> ADMINISTRATIVE = Set.of(
            "platform", "admin", "keys", "accounts", "audit", "alerts", "tokens", "pairing", "devices", "commands");

    private final Database database;
    private final Outbox outbox;
    private final KeysConfig config;
    private final Clock clock;
    private final AuditGate audit;

    public Accounts(Database database, Outbox outbox, KeysConfig config, Clock clock, AuditGate audit) {
        this.audit = audit;
        this.database = database;
        this.outbox = outbox;
        this.config = config;
        this.clock = clock;
    }

    public Account create(Caller caller, AccountRequests.Create request) {
        if (request == null) {
            throw Problem.badRequest("invalid_body", "a JSON body is required");
        }
        String name = request.name() == null ? "" : request.name().strip();
        if (name.isEmpty() || name.length() > 200) {
            throw Problem.badRequest("invalid_name", "name is required (1 to 200 characters)");
        }
        if (!DisplayText.isName(name)) {
            throw Problem.badRequest(
                    "invalid_name", "name must contain printable characters only (no control or format characters)");
        }
        List<String> scopes = request.deviceScopes() == null
                ? List.copyOf(config.defaultDeviceScopes())
                : checkDeviceScopes(request.deviceScopes());
        String leakPolicy = request.leakPolicy() == null ? Account.REVOKE : request.leakPolicy();
        if (!leakPolicy.equals(Account.REVOKE) && !leakPolicy.equals(Account.SUSPEND)) {
            throw Problem.badRequest("invalid_leak_policy", "leak_policy is 'revoke' or 'suspend'");
        }
        Account account = new Account(
                Ids.account(), name, scopes, leakPolicy, clock.instant().truncatedTo(ChronoUnit.MICROS));
        CloudEvent created = created(account, caller.subject());
        audit.checkReachable();
        DeliveryTracker.Expected expected = audit.expect(created.id());
        try {
            database.inTransaction(connection -> {
                insert(connection, account);
                outbox.append(connection, created);
                return account;
            });
        } catch (RuntimeException e) {
            audit.forget(expected);
            throw e;
        }
        // Fail-closed: the account stays (its event is in the outbox and is published later), but its id is
        // not handed out until the event was acknowledged.
        audit.await(expected);
        return account;
    }

    public Account get(Caller caller, String id) {
        if (!Ids.isAccountId(id) || !caller.canSee(id)) {
            throw Problem.notFound("account_not_found", "no such account");
        }
        return database.read(connection -> find(connection, id))
                .orElseThrow(() -> Problem.notFound("account_not_found", "no such account"));
    }

    /** Inserts the account unless one with its id exists; true when it was inserted. */
    public boolean insertIfAbsent(Connection connection, Account account) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO accounts (id, name, device_scopes, leak_policy, created_at) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT (id) DO NOTHING")) {
            bind(connection, insert, account);
            return insert.executeUpdate() == 1;
        }
    }

    public Optional<Account> find(Connection connection, String id) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT id, name, device_scopes, leak_policy, created_at FROM accounts WHERE id = ?")) {
            query.setString(1, id);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Account(
                        row.getString("id"),
                        row.getString("name"),
                        strings(row.getArray("device_scopes")),
                        row.getString("leak_policy"),
                        instant(row, "created_at")));
            }
        }
    }

    public static CloudEvent created(Account account, String actor) {
        return CloudEvent.builder(EventType.ACCOUNT_CREATED)
                .source(KeyEvents.SOURCE)
                .traceparent(TraceContext.currentTraceparent())
                .time(account.createdAt())
                .accountId(account.id())
                .actor(actor)
                .subject(account.id())
                .data("name", account.name())
                .data("device_scopes", account.deviceScopes())
                .data("device_client_id", account.id())
                .build();
    }

    private void insert(Connection connection, Account account) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO accounts (id, name, device_scopes, leak_policy, created_at) VALUES (?, ?, ?, ?, ?)")) {
            bind(connection, insert, account);
            insert.executeUpdate();
        }
    }

    private static void bind(Connection connection, PreparedStatement insert, Account account) throws SQLException {
        insert.setString(1, account.id());
        insert.setString(2, account.name());
        insert.setArray(3, textArray(connection, account.deviceScopes()));
        insert.setString(4, account.leakPolicy());
        insert.setObject(5, at(account.createdAt()));
    }

    /** A non-empty catalog (an empty one would make the account unable to pair any device). */
    private static List<String> checkDeviceScopes(List<String> scopes) {
        if (scopes.isEmpty()) {
            throw Problem.badRequest(
                    "invalid_device_scopes", "device_scopes lists at least one scope (omit it for the defaults)");
        }
        if (scopes.size() > 64) {
            throw Problem.badRequest("invalid_device_scopes", "at most 64 device scopes");
        }
        for (String scope : scopes) {
            if (scope == null
                    || scope.length() > 64
                    || !DEVICE_SCOPE.matcher(scope).matches()) {
                throw Problem.badRequest("invalid_device_scopes", "device scopes are names like 'data:read'");
            }
            if (isAdministrative(scope)) {
                throw Problem.badRequest(
                        "invalid_device_scopes", "'" + scope + "' is a platform scope and cannot be given to devices");
            }
        }
        return List.copyOf(new LinkedHashSet<>(scopes));
    }

    private static boolean isAdministrative(String scope) {
        int colon = scope.indexOf(':');
        String namespace = colon < 0 ? scope : scope.substring(0, colon);
        return ADMINISTRATIVE.contains(namespace) || scope.endsWith(":admin");
    }
}
