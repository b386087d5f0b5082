package io.openclaw.keys.support;

import static org.awaitility.Awaitility.await;

import io.openclaw.testing.Ports;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Another replica of the service: the packaged application ({@code target/quarkus-app/quarkus-run.jar}) run
 * as a child process on its own port against the same PostgreSQL database (optionally through a
 * {@link TcpProxy}), Redis database, Kafka broker and token keys as the application under test.
 */
public final class SecondInstance implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private SecondInstance(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts the replica and waits until it is ready. */
    public static SecondInstance start(String jdbcUrl, Map<String, String> overrides) throws IOException {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("package the service first (mvnw -pl key-rotation-service verify)");
        }
        Config config = ConfigProvider.getConfig();
        int port = Ports.free();
        Path log = Path.of("target/second-instance-" + port + ".log");
        String reactiveUrl = jdbcUrl.replace("jdbc:postgresql://", "postgresql://");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.datasource.jdbc.url=" + jdbcUrl,
                "-Dquarkus.datasource.reactive.url=" + reactiveUrl,
                "-Dquarkus.datasource.username=" + config.getValue("quarkus.datasource.username", String.class),
                "-Dquarkus.redis.hosts=" + config.getValue("quarkus.redis.hosts", String.class),
                "-Dkafka.bootstrap.servers=" + config.getValue("kafka.bootstrap.servers", String.class),
                "-Dmp.jwt.verify.publickey.location="
                        + config.getValue("mp.jwt.verify.publickey.location", String.class),
                "-Dmp.jwt.verify.issuer=" + config.getValue("mp.jwt.verify.issuer", String.class),
                "-Dmp.jwt.verify.audiences=" + config.getValue("mp.jwt.verify.audiences", String.class),
                "-Dopenclaw.keys.bootstrap-admin-key=" + Api.BOOTSTRAP_KEY,
                "-Dopenclaw.keys.schedule.tick=1s",
                "-Dopenclaw.keys.sealing-key=" + config.getValue("openclaw.keys.sealing-key", String.class),
                "-Dquarkus.log.file.enabled=true",
                "-Dquarkus.log.file.path=" + log.toAbsolutePath()));
        overrides.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(
                        Path.of("target/second-instance-" + port + ".out").toFile())
                .start();
        SecondInstance instance = new SecondInstance(process, port, log);
        try {
            await().atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("the second instance exited; see " + log);
                        }
                        return instance.ready();
                    });
        } catch (RuntimeException e) {
            instance.close();
            throw e;
        }
        return instance;
    }

    public String baseUri() {
        return "http://localhost:" + port;
    }

    public Path log() {
        return log;
    }

    private boolean ready() {
        try {
            HttpURLConnection connection = (HttpURLConnection)
                    URI.create(baseUri() + "/q/health/ready").toURL().openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(2000);
            return connection.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGKILL: the process dies at once, as in a crash. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
