package io.openclaw.token.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Database#inOneStatement} against PostgreSQL: one transaction for a batch, and a refused item fails alone.
 * The broker, PostgreSQL and Redis are the module's test resources (declared on the other ITs, for all).
 */
@QuarkusTest
class BatchStatementIT {

    @Inject
    Database database;

    private final String table =
            "shared_tx_probe_" + UUID.randomUUID().toString().replace("-", "");

    @BeforeEach
    void createTable() {
        execute("CREATE TABLE " + table + " (name TEXT PRIMARY KEY)");
    }

    @AfterEach
    void dropTable() {
        execute("DROP TABLE " + table);
    }

    @Test
    void theItemsOfABatchShareOneStatement() {
        List<Database.Outcome<Long>> outcomes = database.inOneStatement(List.of("a", "b", "c"), this::insert);

        List<Long> transactions = outcomes.stream().map(Database.Outcome::get).toList();
        assertThat(transactions).hasSize(3).containsOnly(transactions.get(0));
        assertThat(stored()).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void anItemTheDatabaseRefusesFailsAloneAndTheOthersAreCommitted() {
        List<Database.Outcome<Long>> outcomes = database.inOneStatement(List.of("a", "b", "b", "c"), this::insert);

        assertThat(outcomes.get(0).get()).isNotNull();
        assertThat(outcomes.get(1).get()).isNotNull();
        assertThatThrownBy(() -> outcomes.get(2).get())
                .isInstanceOfSatisfying(StoreUnavailableException.class, e -> assertThat(e.sqlState())
                        .isEqualTo("23505"));
        assertThat(outcomes.get(3).get()).isNotNull();
        assertThat(stored()).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void aLoneItemGetsItsOwnFailure() {
        database.inOneStatement(List.of("a"), this::insert);

        List<Database.Outcome<Long>> again = database.inOneStatement(List.of("a"), this::insert);

        assertThatThrownBy(() -> again.get(0).get()).isInstanceOf(StoreUnavailableException.class);
        assertThat(stored()).containsExactly("a");
    }

    /** Inserts the names with one statement; per name, in order, the id of the transaction that did it. */
    private List<Long> insert(Connection connection, List<String> names) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                + " SELECT name FROM unnest(?::text[]) WITH ORDINALITY AS i(name, n) ORDER BY n"
                + " RETURNING name, txid_current()")) {
            insert.setArray(1, connection.createArrayOf("text", names.toArray(String[]::new)));
            Map<String, Long> transactions = new HashMap<>();
            ResultSet rows = insert.executeQuery();
            while (rows.next()) {
                transactions.put(rows.getString(1), rows.getLong(2));
            }
            return names.stream().map(transactions::get).toList();
        }
    }

    private List<String> stored() {
        return database.inTransaction(connection -> {
            List<String> names = new ArrayList<>();
            try (Statement select = connection.createStatement();
                    ResultSet rows = select.executeQuery("SELECT name FROM " + table)) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
            return names;
        });
    }

    private void execute(String sql) {
        database.inSingleStatement(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
            return null;
        });
    }
}
