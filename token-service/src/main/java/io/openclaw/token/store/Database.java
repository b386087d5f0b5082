package io.openclaw.token.store;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Plain JDBC transactions on token-service's PostgreSQL database. */
@ApplicationScoped
public class Database {

    /** Work done inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** One statement for several items: one result per item, in the items' order. */
    @FunctionalInterface
    public interface BatchStatement<I, T> {
        List<T> run(Connection connection, List<I> items) throws SQLException;
    }

    /** What one item of {@link #inOneStatement} came to: its result, or the failure it met alone. */
    public record Outcome<T>(T result, RuntimeException failure) {

        /** The result; throws the item's failure if it had one. */
        public T get() {
            if (failure != null) {
                throw failure;
            }
            return result;
        }
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

    /**
     * Runs one statement for all the items, in auto-commit, so that concurrent callers' items share one round
     * trip and one COMMIT. When the database refuses the statement (an integrity constraint, a deadlock, a
     * serialization failure), it runs again for each item alone, so that one item cannot fail the others: the
     * refused item's outcome is its own failure. When PostgreSQL cannot be reached, every item fails with the
     * one {@link StoreUnavailableException}.
     */
    public <I, T> List<Outcome<T>> inOneStatement(List<I> items, BatchStatement<I, T> statement) {
        if (items.size() > 1) {
            try {
                return inSingleStatement(connection -> outcomes(items, statement.run(connection, items)));
            } catch (StoreUnavailableException e) {
                if (!refusedStatement(e.sqlState())) {
                    throw e;
                }
            }
        }
        List<Outcome<T>> outcomes = new ArrayList<>(items.size());
        for (I item : items) {
            try {
                outcomes.addAll(inSingleStatement(
                        connection -> outcomes(List.of(item), statement.run(connection, List.of(item)))));
            } catch (StoreUnavailableException e) {
                if (!refusedStatement(e.sqlState())) {
                    throw e;
                }
                outcomes.add(new Outcome<>(null, e));
            }
        }
        return outcomes;
    }

    private static <I, T> List<Outcome<T>> outcomes(List<I> items, List<T> results) {
        if (results.size() != items.size()) {
            throw new IllegalStateException(
                    "a batch statement returned " + results.size() + " results for " + items.size() + " items");
        }
        List<Outcome<T>> outcomes = new ArrayList<>(results.size());
        results.forEach(result -> outcomes.add(new Outcome<>(result, null)));
        return outcomes;
    }

    /** Class 23 (integrity constraint violation) or 40 (transaction rollback: deadlock, serialization). */
    private static boolean refusedStatement(String sqlState) {
        return sqlState != null && (sqlState.startsWith("23") || sqlState.startsWith("40"));
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
