package io.openclaw.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private PostgreSQL cluster (initdb in a temporary directory, its own port) that a test may stop and
 * start again, for faults that must not touch the machine's shared server. Runs the local PostgreSQL
 * binaries as the {@code postgres} user when the tests run as root.
 */
public final class PostgresServer implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private final Path bin;

    private PostgresServer(Path dataDir, int port, Path bin) {
        this.dataDir = dataDir;
        this.port = port;
        this.bin = bin;
    }

    /** Creates and starts a fresh cluster with trust authentication for {@code postgres} on 127.0.0.1. */
    public static PostgresServer create() {
        Path bin = binaries();
        try {
            Path dir = Files.createTempDirectory("openclaw-pg-");
            PostgresServer server = new PostgresServer(dir.resolve("data"), Ports.free(), bin);
            if (isRoot()) {
                run(List.of("chown", "postgres", dir.toString()), 30);
            }
            server.runAsPostgres(
                    60,
                    bin.resolve("initdb").toString(),
                    "-D",
                    server.dataDir.toString(),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-instructions");
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** Starts the server and waits until it accepts connections. */
    public void start() {
        runAsPostgres(
                90,
                bin.resolve("pg_ctl").toString(),
                "-D",
                dataDir.toString(),
                "-l",
                dataDir.resolve("server.log").toString(),
                "-o",
                "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dataDir + " -c max_connections=200",
                "-w",
                "-t",
                "60",
                "start");
    }

    /** Stops the server (fast shutdown: sessions are cut, committed work is kept). */
    public void stop() {
        runAsPostgres(90, bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "fast", "-w", "stop");
    }

    public String createDatabase(String name) {
        execute("CREATE DATABASE " + name);
        return name;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String reactiveUrl(String database) {
        return "postgresql://127.0.0.1:" + port + "/" + database;
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), "postgres", "");
    }

    @Override
    public void close() {
        try {
            runAsPostgres(60, bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "stop");
        } catch (RuntimeException alreadyStopped) {
            // nothing to stop
        }
        KafkaBroker.deleteRecursively(dataDir.getParent());
    }

    private void execute(String sql) {
        try (Connection connection = connect("postgres");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL refused: " + sql + " (" + e.getMessage() + ")", e);
        }
    }

    private void runAsPostgres(int timeoutSeconds, String... command) {
        List<String> full = new ArrayList<>();
        if (isRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        run(full, timeoutSeconds);
    }

    private static void run(List<String> command, int timeoutSeconds) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static Path binaries() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.naturalOrder())
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL binaries under /usr/lib/postgresql"));
        } catch (IOException e) {
            throw new IllegalStateException("no PostgreSQL binaries under /usr/lib/postgresql", e);
        }
    }
}
