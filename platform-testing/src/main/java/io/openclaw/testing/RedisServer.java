package io.openclaw.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A private Redis server (its own port and directory, append-only file fsynced on every write) that a test
 * may stop and start again; what it acknowledged survives the stop, as in a production setup.
 */
public final class RedisServer implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final String appendfsync;
    private Process process;

    private RedisServer(Path dir, int port, String appendfsync) {
        this.dir = dir;
        this.port = port;
        this.appendfsync = appendfsync;
    }

    /** A started server that fsyncs its append-only file on every write: nothing acknowledged is lost. */
    public static RedisServer create() {
        return create("always");
    }

    /**
     * A started server with the given {@code appendfsync} policy: {@code always} for fault tests, {@code everysec}
     * (Redis' default, what the deployment uses) for benchmarks.
     */
    public static RedisServer create(String appendfsync) {
        try {
            RedisServer server =
                    new RedisServer(Files.createTempDirectory("openclaw-redis-"), Ports.free(), appendfsync);
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:port/database}. */
    public String url(int database) {
        return "redis://127.0.0.1:" + port + "/" + database;
    }

    public synchronized void start() {
        try {
            process = new ProcessBuilder(
                            "redis-server",
                            "--port",
                            String.valueOf(port),
                            "--bind",
                            "127.0.0.1",
                            "--dir",
                            dir.toString(),
                            "--appendonly",
                            "yes",
                            "--appendfsync",
                            appendfsync,
                            "--save",
                            "",
                            "--logfile",
                            dir.resolve("redis.log").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!accepting()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server did not start on port " + port);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** Stops the server with SIGTERM: it finishes the append-only file and exits. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
        KafkaBroker.deleteRecursively(dir);
    }

    private boolean accepting() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
