package io.openclaw.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.openclaw.testing.Ports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts a real redis-server with the dev overlay's Redis container command (rendered by kustomize), moved to a free
 * port and a temporary directory, and checks it refuses clients without the password from the Secret and persists
 * with an append-only file.
 */
class DevRedisStartIT {

    private Process redis;

    @Test
    void theDevRedisCommandRequiresThePasswordAndKeepsAnAppendOnlyFile(@TempDir Path dir) throws Exception {
        StatefulSet statefulSet =
                RenderedManifests.of("dev").find(StatefulSet.class, "redis").orElseThrow();
        Container container =
                statefulSet.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getCommand()).startsWith("sh", "-c");
        int port = Ports.free();
        String script = container
                .getCommand()
                .get(2)
                .replace("/etc/redis-run", dir.toString())
                .replace("dir /data", "dir " + dir)
                .replace("port 6379", "port " + port);
        assertThat(script).contains("requirepass").contains("appendonly yes");
        String password = "dev-" + Long.toHexString(System.nanoTime());

        ProcessBuilder builder = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true);
        builder.environment().put("REDIS_PASSWORD", password);
        builder.redirectOutput(dir.resolve("redis.log").toFile());
        redis = builder.start();

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> cli(port, password, "PING")
                .contains("PONG"));
        assertThat(cli(port, null, "GET", "anything")).contains("NOAUTH");
        assertThat(cli(port, password + "x", "PING")).doesNotContain("PONG");
        assertThat(cli(port, password, "CONFIG", "GET", "appendonly")).contains("yes");
        assertThat(container.getArgs())
                .as("the password never reaches the command line")
                .isNullOrEmpty();
        assertThat(script).doesNotContain(password);
    }

    @AfterEach
    void stopRedis() throws InterruptedException {
        if (redis != null) {
            redis.destroy();
            if (!redis.waitFor(10, TimeUnit.SECONDS)) {
                redis.destroyForcibly();
            }
        }
    }

    private static String cli(int port, String password, String... command) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(port)));
        ProcessBuilder builder = new ProcessBuilder(args).redirectErrorStream(true);
        if (password != null) {
            builder.environment().put("REDISCLI_AUTH", password);
        }
        args.addAll(List.of(command));
        builder.command(args);
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(10, TimeUnit.SECONDS);
        return output;
    }
}
