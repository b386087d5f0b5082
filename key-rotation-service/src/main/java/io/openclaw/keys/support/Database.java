package io.openclaw.keys.support;

import io.openclaw.keys.web.Problem;
import io.openclaw.keys.web.StoreUnavailableException;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;

/**
 * Runs units of work in one PostgreSQL transaction. Connection failures become
 * {@link StoreUnavailableException} (503); after each commit the outbox relay is woken.
 */
@ApplicationScoped
public class Database {

    private final DataSource dataSource;
    private final Event<Committed> committed;

    public Database(DataSource dataSource, Event<Committed> committed) {
        this.dataSource = dataSource;
        this.committed = committed;
    }

    /** Fired (synchronously) after a transaction committed. */
    public record Committed() {}

    /** A unit of work on a connection inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    public <T> T inTransaction(Work<T> work) {
        T result = inTransactionWithoutWake(work);
        committed.fire(new Committed());
        return result;
    }

    /** A transaction whose commit does not wake the outbox relay (the relay's own passes). */
    public <T> T inTransactionWithoutWake(Work<T> work) {
        Connection connection = open();
        try (connection) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /** Reads outside an explicit transaction (autocommit). */
    public <T> T read(Work<T> work) {
        Connection connection = open();
        try (connection) {
            return work.run(connection);
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    private Connection open() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new StoreUnavailableException("PostgreSQL is unavailable; try again shortly", e);
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool discards it
        }
    }

    private static RuntimeException translate(SQLException e) {
        String state = e.getSQLState();
        if (e instanceof SQLTransientConnectionException
                || state == null
                || state.startsWith("08")
                || state.startsWith("57P")) {
            return new StoreUnavailableException("PostgreSQL is unavailable; try again shortly", e);
        }
        if (state.startsWith("22")) {
            // data exception (a value PostgreSQL cannot hold): a backstop, the edge should have refused it
            Log.warnf("PostgreSQL refused a value (SQLSTATE %s)", state);
            return Problem.badRequest("invalid_value", "a value in the request cannot be stored");
        }
        return new IllegalStateException("database error " + state, e);
    }

    /** Whether the exception is a unique-constraint violation. */
    public static boolean isUniqueViolation(Throwable e) {
        return e instanceof SQLException s && "23505".equals(s.getSQLState());
    }

    /** A timestamptz parameter. */
    public static OffsetDateTime at(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    /** A timestamptz column as an instant, or null. */
    public static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    public static Array textArray(Connection connection, List<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray(String[]::new));
    }

    public static List<String> strings(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        return Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
    }
}
