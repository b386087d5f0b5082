package io.openclaw.keys.apikey;

import static io.openclaw.keys.support.Database.at;
import static io.openclaw.keys.support.Database.instant;
import static io.openclaw.keys.support.Database.strings;
import static io.openclaw.keys.support.Database.textArray;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL for the {@code api_keys} table. Every lookup by id is filtered by account. */
@ApplicationScoped
public class ApiKeyStore {

    private static final ObjectMapper JSON = io.openclaw.events.http.StrictJson.configure(new ObjectMapper());
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    public static final String COLUMNS =
            "id, account_id, name, key_hash, display_prefix, environment, scopes, allowed_cidrs, "
                    + "rate_limit_requests, rate_limit_window_seconds, rotation_every_days, rotation_grace_seconds, metadata, "
                    + "status, stage, expires_at, grace_until, rotated_from, successor_id, next_rotation_at, created_at, "
                    + "updated_at, revoked_at";

    public void insert(Connection connection, ApiKey key) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO api_keys (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, key.id());
            insert.setString(2, key.accountId());
            insert.setString(3, key.name());
            insert.setBytes(4, key.keyHash());
            insert.setString(5, key.displayPrefix());
            insert.setString(6, key.environment().wire());
            insert.setArray(7, textArray(connection, key.scopes()));
            insert.setArray(8, textArray(connection, key.allowedCidrs()));
            setInteger(insert, 9, key.rateLimitRequests());
            setInteger(insert, 10, key.rateLimitWindowSeconds());
            setInteger(insert, 11, key.rotationEveryDays());
            setInteger(insert, 12, key.rotationGraceSeconds());
            insert.setString(13, json(key.metadata()));
            insert.setString(14, key.status());
            insert.setString(15, key.stage());
            insert.setObject(16, at(key.expiresAt()));
            insert.setObject(17, at(key.graceUntil()));
            insert.setString(18, key.rotatedFrom());
            insert.setString(19, key.successorId());
            insert.setObject(20, at(key.nextRotationAt()));
            insert.setObject(21, at(key.createdAt()));
            insert.setObject(22, at(key.updatedAt()));
            insert.setObject(23, at(key.revokedAt()));
            insert.executeUpdate();
        }
    }

    /** Writes every mutable field of a key read (and locked) earlier in the same transaction. */
    public void update(Connection connection, ApiKey key) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE api_keys SET name = ?, scopes = ?, "
                + "allowed_cidrs = ?, rate_limit_requests = ?, rate_limit_window_seconds = ?, rotation_every_days = ?, "
                + "rotation_grace_seconds = ?, metadata = ?::jsonb, status = ?, stage = ?, expires_at = ?, "
                + "grace_until = ?, successor_id = ?, next_rotation_at = ?, updated_at = ?, revoked_at = ? "
                + "WHERE id = ? AND account_id = ?")) {
            update.setString(1, key.name());
            update.setArray(2, textArray(connection, key.scopes()));
            update.setArray(3, textArray(connection, key.allowedCidrs()));
            setInteger(update, 4, key.rateLimitRequests());
            setInteger(update, 5, key.rateLimitWindowSeconds());
            setInteger(update, 6, key.rotationEveryDays());
            setInteger(update, 7, key.rotationGraceSeconds());
            update.setString(8, json(key.metadata()));
            update.setString(9, key.status());
            update.setString(10, key.stage());
            update.setObject(11, at(key.expiresAt()));
            update.setObject(12, at(key.graceUntil()));
            update.setString(13, key.successorId());
            update.setObject(14, at(key.nextRotationAt()));
            update.setObject(15, at(key.updatedAt()));
            update.setObject(16, at(key.revokedAt()));
            update.setString(17, key.id());
            update.setString(18, key.accountId());
            update.executeUpdate();
        }
    }

    public Optional<ApiKey> find(Connection connection, String accountId, String id) throws SQLException {
        return one(connection, "SELECT " + COLUMNS + " FROM api_keys WHERE id = ? AND account_id = ?", id, accountId);
    }

    public Optional<ApiKey> findById(Connection connection, String id) throws SQLException {
        return one(connection, "SELECT " + COLUMNS + " FROM api_keys WHERE id = ?", id);
    }

    /** Reads and locks a key of the account for the rest of the transaction. */
    public Optional<ApiKey> lock(Connection connection, String accountId, String id) throws SQLException {
        return one(
                connection,
                "SELECT " + COLUMNS + " FROM api_keys WHERE id = ? AND account_id = ? FOR UPDATE",
                id,
                accountId);
    }

    /** Reads and locks a key by id alone (commands and schedules, which carry the account themselves). */
    public Optional<ApiKey> lockById(Connection connection, String id) throws SQLException {
        return one(connection, "SELECT " + COLUMNS + " FROM api_keys WHERE id = ? FOR UPDATE", id);
    }

    public Optional<ApiKey> findByHash(Connection connection, byte[] hash) throws SQLException {
        try (PreparedStatement query =
                connection.prepareStatement("SELECT " + COLUMNS + " FROM api_keys WHERE key_hash = ?")) {
            query.setBytes(1, hash);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.of(map(row)) : Optional.empty();
            }
        }
    }

    /** A page of the account's keys, oldest first, after the given id (keyset pagination). */
    public List<ApiKey> list(Connection connection, String accountId, String after, int limit) throws SQLException {
        String sql = "SELECT " + COLUMNS + " FROM api_keys WHERE account_id = ?" + (after == null ? "" : " AND id > ?")
                + " ORDER BY id LIMIT ?";
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            int i = 1;
            query.setString(i++, accountId);
            if (after != null) {
                query.setString(i++, after);
            }
            query.setInt(i, limit);
            List<ApiKey> keys = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    keys.add(map(rows));
                }
            }
            return keys;
        }
    }

    private Optional<ApiKey> one(Connection connection, String sql, String... params) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                query.setString(i + 1, params[i]);
            }
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.of(map(row)) : Optional.empty();
            }
        }
    }

    public static ApiKey map(ResultSet row) throws SQLException {
        return new ApiKey(
                row.getString("id"),
                row.getString("account_id"),
                row.getString("name"),
                row.getBytes("key_hash"),
                row.getString("display_prefix"),
                Environment.fromWire(row.getString("environment")),
                strings(row.getArray("scopes")),
                strings(row.getArray("allowed_cidrs")),
                (Integer) row.getObject("rate_limit_requests"),
                (Integer) row.getObject("rate_limit_window_seconds"),
                (Integer) row.getObject("rotation_every_days"),
                (Integer) row.getObject("rotation_grace_seconds"),
                parse(row.getString("metadata")),
                row.getString("status"),
                row.getString("stage"),
                instant(row, "expires_at"),
                instant(row, "grace_until"),
                row.getString("rotated_from"),
                row.getString("successor_id"),
                instant(row, "next_rotation_at"),
                instant(row, "created_at"),
                instant(row, "updated_at"),
                instant(row, "revoked_at"));
    }

    private static void setInteger(PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }

    private static String json(Map<String, Object> metadata) {
        try {
            return JSON.writeValueAsString(metadata == null ? Map.of() : metadata);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metadata is not serialisable", e);
        }
    }

    private static Map<String, Object> parse(String json) {
        try {
            return json == null ? Map.of() : JSON.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored metadata is not JSON", e);
        }
    }
}
