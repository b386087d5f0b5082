package io.openclaw.pairing;

import static org.awaitility.Awaitility.await;

import io.openclaw.testing.Ports;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A private redis-server child process that a test may stop and start, so a Redis outage can be tested
 * without touching the shared local server. State lives in system properties, as Quarkus may load this
 * class in more than one class loader.
 */
final class StandaloneRedis {

    private static final String PORT = "pairing-test.redis.port";
    private static final String PID = "pairing-test.redis.pid";

    private StandaloneRedis() {}

    static synchronized int start() {
        String existing = System.getProperty(PORT);
        int port = existing != null ? Integer.parseInt(existing) : Ports.free();
        try {
            Process process = new ProcessBuilder(
                            "redis-server",
                            "--port",
                            String.valueOf(port),
                            "--bind",
                            "127.0.0.1",
                            "--save",
                            "",
                            "--appendonly",
                            "no",
                            "--daemonize",
                            "no")
                    .redirectErrorStream(true)
                    .redirectOutput(
                            new File(System.getProperty("java.io.tmpdir"), "pairing-test-redis-" + port + ".log"))
                    .start();
            System.setProperty(PORT, String.valueOf(port));
            System.setProperty(PID, String.valueOf(process.pid()));
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server", e);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> reachable(port));
        return port;
    }

    static synchronized void stop() {
        String pid = System.getProperty(PID);
        if (pid == null) {
            return;
        }
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(process -> {
            process.destroy();
            try {
                process.onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                process.destroyForcibly();
            }
        });
        System.clearProperty(PID);
    }

    private static boolean reachable(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
