package io.openclaw.token.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openclaw.testing.JwtResource;
import io.openclaw.testing.KafkaResource;
import io.openclaw.testing.PostgresResource;
import io.openclaw.testing.RedisResource;
import io.openclaw.token.support.UpstreamStandIns;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Database#inSharedTransaction} against PostgreSQL: one COMMIT for a batch, and a refused item fails alone. */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = UpstreamStandIns.class, restrictToAnnotatedClass = false)
class SharedTransactionIT {

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
    void theItemsOfABatchShareOneTransaction() {
        List<Database.Outcome<Long>> outcomes =
                database.inSharedTransaction(List.of("a", "b", "c"), (connection, name) -> insert(connection, name));

        List<Long> transactions = outcomes.stream().map(Database.Outcome::get).toList();
        assertThat(transactions).hasSize(3).containsOnly(transactions.get(0));
        assertThat(stored()).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void anItemTheDatabaseRefusesFailsAloneAndTheOthersAreCommitted() {
        List<Database.Outcome<Long>> outcomes = database.inSharedTransaction(
                List.of("a", "b", "b", "c"), (connection, name) -> insert(connection, name));

        assertThat(outcomes.get(0).get()).isNotNull();
        assertThat(outcomes.get(1).get()).isNotNull();
        assertThatThrownBy(() -> outcomes.get(2).get())
                .isInstanceOfSatisfying(StoreUnavailableException.class, e -> assertThat(e.sqlState())
                        .isEqualTo("23505"));
        assertThat(outcomes.get(3).get()).isNotNull();
        assertThat(stored()).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void aLoneItemRunsInAutoCommitAndGetsItsOwnFailure() {
        database.inSharedTransaction(List.of("a"), (connection, name) -> insert(connection, name));

        List<Database.Outcome<Long>> again =
                database.inSharedTransaction(List.of("a"), (connection, name) -> insert(connection, name));

        assertThatThrownBy(() -> again.get(0).get()).isInstanceOf(StoreUnavailableException.class);
        assertThat(stored()).containsExactly("a");
    }

    /** Inserts the name and returns the id of the transaction that did it. */
    private long insert(Connection connection, String name) throws SQLException {
        try (PreparedStatement insert =
                connection.prepareStatement("INSERT INTO " + table + " VALUES (?) RETURNING txid_current()")) {
            insert.setString(1, name);
            ResultSet row = insert.executeQuery();
            row.next();
            return row.getLong(1);
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
