package io.openclaw.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;

/**
 * A fresh database on the local PostgreSQL server for one test run, dropped afterwards. Sets both the
 * reactive URL (Hibernate Reactive) and the JDBC URL (Flyway).
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private String database;

    @Override
    public Map<String, String> start() {
        LocalServices.requireReachable(
                "PostgreSQL", LocalServices.POSTGRES_HOST, LocalServices.POSTGRES_PORT, LocalServices.POSTGRES_START);
        database = createDatabase("openclaw_test");
        String hostPort = LocalServices.POSTGRES_HOST + ":" + LocalServices.POSTGRES_PORT + "/" + database;
        return Map.of(
                "quarkus.datasource.username",
                LocalServices.POSTGRES_USER,
                "quarkus.datasource.password",
                "",
                "quarkus.datasource.reactive.url",
                "postgresql://" + hostPort,
                "quarkus.datasource.jdbc.url",
                "jdbc:postgresql://" + hostPort,
                "quarkus.datasource.devservices.enabled",
                "false");
    }

    @Override
    public void stop() {
        if (database != null) {
            dropDatabase(database);
        }
    }

    /** Creates a database with a random name beginning with the prefix and returns its name. */
    public static String createDatabase(String prefix) {
        byte[] random = new byte[5];
        new SecureRandom().nextBytes(random);
        String name = prefix + "_" + HexFormat.of().formatHex(random);
        execute("CREATE DATABASE " + name);
        return name;
    }

    public static void dropDatabase(String name) {
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    /** A JDBC URL for a database on the local server. */
    public static String jdbcUrl(String database) {
        return "jdbc:postgresql://" + LocalServices.POSTGRES_HOST + ":" + LocalServices.POSTGRES_PORT + "/" + database;
    }

    /** A connection as the local superuser; the caller closes it. */
    public static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), LocalServices.POSTGRES_USER, "");
    }

    private static void execute(String sql) {
        try (Connection connection = connect("postgres");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL refused: " + sql + " (" + e.getMessage() + ")", e);
        }
    }
}
