package io.openclaw.token.store;

import java.sql.SQLException;

/** PostgreSQL could not complete a transaction: callers answer 503 and nothing half-done remains. */
public class StoreUnavailableException extends RuntimeException {

    private final String sqlState;

    public StoreUnavailableException(SQLException cause) {
        super("PostgreSQL is unavailable (" + cause.getSQLState() + ")", cause);
        this.sqlState = cause.getSQLState();
    }

    public String sqlState() {
        return sqlState;
    }
}
