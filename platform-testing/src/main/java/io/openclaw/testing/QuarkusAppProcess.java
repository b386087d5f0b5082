package io.openclaw.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A packaged Quarkus service ({@code target/quarkus-app/quarkus-run.jar}) run as a child process on a free
 * port, for journeys, fault tests and multi-replica tests. {@link #kill()} is SIGKILL; {@link #start()} after
 * it starts the same service again on the same port with the same configuration.
 */
public final class QuarkusAppProcess implements AutoCloseable {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Path jar;
    private final int port;
    private final List<String> jvmOptions;
    private final Map<String, String> properties;
    private final Map<String, String> environment;
    private final Path logFile;
    private final Duration startTimeout;
    private ProcessHandle process;
    private Duration lastStartup;

    private QuarkusAppProcess(Builder builder) {
        this.name = builder.name;
        this.jar = builder.moduleDir.resolve("target/quarkus-app/quarkus-run.jar");
        this.port = builder.port;
        this.jvmOptions = List.copyOf(builder.jvmOptions);
        this.properties = Map.copyOf(builder.properties);
        this.environment = Map.copyOf(builder.environment);
        this.startTimeout = builder.startTimeout;
        try {
            this.logFile = Files.createTempFile("openclaw-" + name + "-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A builder for the service in the given module directory, e.g. {@code "../token-service"} when run
     * from a sibling module, or {@link #moduleDir(String)}.
     */
    public static Builder builder(String name, Path moduleDir) {
        return new Builder(name, moduleDir);
    }

    /** The directory of a module of this repository, found from the working directory of the test. */
    public static Path moduleDir(String module) {
        Path here = Paths.get("").toAbsolutePath();
        for (Path dir = here; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(module)) && Files.exists(dir.resolve("mvnw"))) {
                return dir.resolve(module);
            }
        }
        throw new IllegalStateException("module " + module + " not found above " + here);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path logFile() {
        return logFile;
    }

    /** How long the last start took until readiness answered UP. */
    public Duration lastStartup() {
        return lastStartup;
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the service and waits until {@code /q/health/ready} answers 200. */
    public synchronized QuarkusAppProcess start() {
        if (isRunning()) {
            return this;
        }
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the service first (./mvnw package)");
        }
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx384m");
        command.add("-XX:+UseSerialGC");
        command.addAll(jvmOptions);
        // e.g. a flight recording while a benchmark runs:
        // -Dopenclaw.test.service.jvm-options="-XX:StartFlightRecording..."
        String extra =
                System.getProperty("openclaw.test.service.jvm-options", "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.add("-Dquarkus.http.port=" + port);
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .directory(jar.getParent().toFile());
        builder.environment().putAll(environment);
        Instant started = Instant.now();
        try {
            process = builder.start().toHandle();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
        awaitReady();
        lastStartup = Duration.between(started, Instant.now());
        return this;
    }

    /** SIGKILL, as a crash or an OOM kill would be. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            awaitExit();
        }
    }

    /** SIGTERM: a graceful shutdown. */
    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            awaitExit();
        }
    }

    /** Resident set size in KiB, read from /proc, or -1 when unknown. */
    /** CPU time the running process has used so far (user and system), zero when it does not run. */
    public synchronized Duration cpuTime() {
        return isRunning() ? process.info().totalCpuDuration().orElse(Duration.ZERO) : Duration.ZERO;
    }

    public synchronized long rssKiB() {
        if (!isRunning()) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Paths.get("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // not on Linux, or the process just exited
        }
        return -1;
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return name;
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(startTimeout);
        HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2))
                .build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited during start-up, see " + logFile);
            }
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                process.onExit().get(100, TimeUnit.MILLISECONDS);
            } catch (Exception pollAgain) {
                // still running: poll readiness again
            }
        }
        throw new IllegalStateException(name + " did not become ready within " + startTimeout + ", see " + logFile);
    }

    private void awaitExit() {
        try {
            process.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
        }
    }

    /** Configuration of a service process. */
    public static final class Builder {
        private final String name;
        private final Path moduleDir;
        private int port = Ports.free();
        private final List<String> jvmOptions = new ArrayList<>();
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Duration startTimeout = Duration.ofSeconds(180);

        private Builder(String name, Path moduleDir) {
            this.name = name;
            this.moduleDir = moduleDir;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * JVM options after the defaults ({@code -Xmx384m -XX:+UseSerialGC}, the later option wins), e.g. the
         * heap a service is deployed with.
         */
        public Builder jvmOptions(String... options) {
            jvmOptions.addAll(List.of(options));
            return this;
        }

        /** A system property ({@code -Dkey=value}), e.g. a Quarkus configuration key. */
        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        public Builder properties(Map<String, String> values) {
            properties.putAll(values);
            return this;
        }

        public Builder env(String key, String value) {
            environment.put(key, value);
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        public QuarkusAppProcess build() {
            return new QuarkusAppProcess(this);
        }
    }
}
