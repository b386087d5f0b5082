package io.openclaw.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the dev overlay's PostgreSQL init script (overlays/dev/postgresql-init.sh, what the postgres image runs from
 * /docker-entrypoint-initdb.d) against the local PostgreSQL server, with names of its own, and checks each service
 * gets its own login role owning its own database, with a hashed password.
 */
class DevPostgresInitIT {

    private static final String HOST = System.getProperty("openclaw.test.postgres.host", "127.0.0.1");
    private static final String PORT = String.valueOf(Integer.getInteger("openclaw.test.postgres.port", 5432));
    private static final String SUPERUSER = System.getProperty("openclaw.test.postgres.user", "postgres");

    private final String suffix =
            "deploy_it_" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
    private final List<String> services = List.of("token", "keys", "audit");

    @Test
    void theInitScriptGivesEachServiceALoginRoleOwningItsOwnDatabase() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("POSTGRES_USER", SUPERUSER);
        for (String service : services) {
            String prefix = service.toUpperCase(java.util.Locale.ROOT);
            env.put(prefix + "_DB_USER", role(service));
            // a quote and a backslash: the script must pass passwords as data, never as SQL
            env.put(prefix + "_DB_PASSWORD", "pw'" + service + "\\x");
            env.put(prefix + "_DB_NAME", database(service));
        }

        Result init = run(
                List.of(
                        "sh",
                        RenderedManifests.repositoryRoot()
                                .resolve("deploy/k8s/overlays/dev/postgresql-init.sh")
                                .toString()),
                env);

        assertThat(init.exit()).as(init.output()).isZero();
        for (String service : services) {
            assertThat(sql("SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = '"
                            + role(service) + "'"))
                    .as("role of " + service + " logs in and holds no special rights")
                    .isEqualTo("t|f|f|f");
            assertThat(sql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '" + database(service)
                            + "'"))
                    .as("owner of " + database(service))
                    .isEqualTo(role(service));
            assertThat(sql("SELECT rolpassword FROM pg_authid WHERE rolname = '" + role(service) + "'"))
                    .as("the password is stored as a SCRAM verifier, not in clear")
                    .startsWith("SCRAM-SHA-256$")
                    .doesNotContain(service + "\\x");
        }
    }

    @AfterEach
    void dropWhatTheScriptCreated() throws Exception {
        for (String service : services) {
            sql("DROP DATABASE IF EXISTS " + database(service));
            sql("DROP ROLE IF EXISTS " + role(service));
        }
    }

    private String role(String service) {
        return service + "_" + suffix;
    }

    private String database(String service) {
        return "openclaw_" + service + "_" + suffix;
    }

    private static String sql(String statement) throws IOException, InterruptedException {
        Result result = run(
                List.of("psql", "-v", "ON_ERROR_STOP=1", "-Atq", "-U", SUPERUSER, "-d", "postgres", "-c", statement),
                Map.of());
        assertThat(result.exit()).as(statement + ": " + result.output()).isZero();
        return result.output().strip();
    }

    record Result(int exit, String output) {}

    private static Result run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PGHOST", HOST);
        builder.environment().put("PGPORT", PORT);
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }
}
