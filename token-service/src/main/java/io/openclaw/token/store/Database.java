package io.openclaw.token.store;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;

/** Plain JDBC transactions on token-service's PostgreSQL database. */
@ApplicationScoped
public class Database {

    /** Work done inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** How recent a successful transaction must be to stand for "PostgreSQL answers now". */
    private static final long FRESH_NANOS = 1_000_000_000L;

    private final AgroalDataSource dataSource;
    private volatile long lastSuccess = System.nanoTime() - 2 * FRESH_NANOS;
    private volatile boolean failed;

    public Database(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Runs the work in one transaction: committed when it returns, rolled back when it throws. A failure
     * to reach PostgreSQL surfaces as {@link StoreUnavailableException}.
     */
    public <T> T inTransaction(Work<T> work) {
        return run(work, false);
    }

    /**
     * Runs work made of one statement in auto-commit mode: the statement is its own transaction, one round
     * trip instead of three (BEGIN piggy-backed, statement, COMMIT).
     */
    public <T> T inSingleStatement(Work<T> work) {
        return run(work, true);
    }

    private <T> T run(Work<T> work, boolean autoCommit) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(autoCommit);
            try {
                T result = work.run(connection);
                if (!autoCommit) {
                    connection.commit();
                }
                succeeded();
                return result;
            } catch (SQLException | RuntimeException e) {
                if (!autoCommit) {
                    rollbackQuietly(connection);
                }
                throw e;
            }
        } catch (SQLException e) {
            failed = true;
            throw new StoreUnavailableException(e);
        }
    }

    private void succeeded() {
        lastSuccess = System.nanoTime();
        failed = false;
    }

    /**
     * Fails with {@link StoreUnavailableException} unless PostgreSQL answers now. A transaction that
     * succeeded within the last second, with no failure since, counts as an answer, so under load this
     * costs no round trip; otherwise it runs {@code SELECT 1} (one round trip).
     */
    public void ensureReachable() {
        if (!failed && System.nanoTime() - lastSuccess < FRESH_NANOS) {
            return;
        }
        // a statement, not Connection.isValid: a broken connection then fails with an SQLException, which
        // makes the pool discard it instead of handing it out again
        try (Connection connection = dataSource.getConnection();
                java.sql.Statement statement = connection.createStatement()) {
            connection.setAutoCommit(true);
            statement.execute("SELECT 1");
            succeeded();
        } catch (SQLException e) {
            failed = true;
            throw new StoreUnavailableException(e);
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool discards it
        }
    }
}
