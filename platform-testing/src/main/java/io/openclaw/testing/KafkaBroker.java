package io.openclaw.testing;

import io.openclaw.events.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A real Apache Kafka broker (KRaft, combined broker and controller) run as a child JVM from the Maven
 * Central artifacts that platform-testing's build copies to {@code target/kafka-broker/lib}. Ports are
 * chosen free at first start and kept across {@link #restart()}, so clients reconnect on their own.
 *
 * <p>One broker is shared per test JVM: {@link #shared()}.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final String SHARED_HOME = "openclaw.testing.kafka.home";
    private static final String STATE_FILE = "broker-state.properties";
    private static KafkaBroker shared;

    private final Path home;
    private final Path libDir;
    private final int port;
    private final int controllerPort;
    private final int partitions;
    private ProcessHandle process;
    private boolean formatted;

    private KafkaBroker(Path home, Path libDir, int port, int controllerPort, int partitions, boolean formatted) {
        this.home = home;
        this.libDir = libDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.partitions = partitions;
        this.formatted = formatted;
    }

    /**
     * The broker shared by every test in this JVM, started on first use and stopped at JVM exit. Test
     * frameworks may load this class more than once (Quarkus has its own class loaders), so the shared
     * broker is found through system properties, not only through a static field.
     */
    public static synchronized KafkaBroker shared() {
        if (shared != null) {
            return shared;
        }
        synchronized (System.getProperties()) {
            String home = System.getProperty(SHARED_HOME);
            if (home != null) {
                shared = attach(Paths.get(home));
                return shared;
            }
            shared = create();
            shared.start();
            shared.createTopics(Topics.ALL);
            System.setProperty(SHARED_HOME, shared.home.toString());
            KafkaBroker broker = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-broker-shutdown"));
            return shared;
        }
    }

    /** A new, not yet started broker with its own temporary data directory. */
    public static KafkaBroker create() {
        try {
            return new KafkaBroker(
                    Files.createTempDirectory("openclaw-kafka-"), locateLibDir(), Ports.free(), Ports.free(), 3, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KafkaBroker attach(Path home) {
        Properties state = new Properties();
        try (InputStream in = Files.newInputStream(home.resolve(STATE_FILE))) {
            state.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("the shared Kafka broker left no state in " + home, e);
        }
        KafkaBroker broker = new KafkaBroker(
                home,
                Paths.get(state.getProperty("lib")),
                Integer.parseInt(state.getProperty("port")),
                Integer.parseInt(state.getProperty("controller.port")),
                Integer.parseInt(state.getProperty("partitions")),
                true);
        broker.process =
                ProcessHandle.of(Long.parseLong(state.getProperty("pid"))).orElse(null);
        return broker;
    }

    /**
     * The broker may have been restarted through another instance attached to the same home (another class
     * loader): the state file names the current process.
     */
    private void refreshProcess() {
        Path stateFile = home.resolve(STATE_FILE);
        if (!Files.exists(stateFile)) {
            return;
        }
        Properties state = new Properties();
        try (InputStream in = Files.newInputStream(stateFile)) {
            state.load(in);
            process = ProcessHandle.of(Long.parseLong(state.getProperty("pid"))).orElse(process);
        } catch (IOException | RuntimeException e) {
            // keep the handle we have
        }
    }

    private void saveState() throws IOException {
        Properties state = new Properties();
        state.setProperty("lib", libDir.toString());
        state.setProperty("port", String.valueOf(port));
        state.setProperty("controller.port", String.valueOf(controllerPort));
        state.setProperty("partitions", String.valueOf(partitions));
        state.setProperty("pid", String.valueOf(process.pid()));
        try (var out = Files.newOutputStream(home.resolve(STATE_FILE))) {
            state.store(out, "OpenClaw test broker state");
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the broker (formatting its storage the first time) and waits until it answers. */
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        try {
            if (!formatted) {
                writeConfig();
                format();
                formatted = true;
            }
            process = java("kafka.Kafka", home.resolve("server.properties").toString())
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            home.resolve("broker.log").toFile()))
                    .start()
                    .toHandle();
            saveState();
            awaitReady();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the Kafka broker", e);
        }
    }

    /** Graceful stop (SIGTERM), waiting for the process to exit. */
    public synchronized void stop() {
        refreshProcess();
        if (process != null) {
            process.destroy();
            waitForExit(Duration.ofSeconds(30));
        }
    }

    /** Abrupt stop (SIGKILL): no controlled shutdown, as a crash would be. */
    public synchronized void kill() {
        refreshProcess();
        if (process != null) {
            process.destroyForcibly();
            waitForExit(Duration.ofSeconds(10));
        }
    }

    /** The broker's process id, while it runs. */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Starts again on the same ports with the same data. */
    public synchronized void restart() {
        stop();
        start();
    }

    public void createTopics(Collection<String> topics) {
        try (Admin admin = admin()) {
            List<NewTopic> newTopics = topics.stream()
                    .map(name -> new NewTopic(name, partitions, (short) 1))
                    .toList();
            admin.createTopics(newTopics).values().forEach((name, future) -> {
                try {
                    future.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + name, e.getCause());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("could not create topic " + name, e);
                }
            });
        }
    }

    public Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
    }

    /** The broker's own log, for diagnosing a failed start. */
    public Path logFile() {
        return home.resolve("broker.log");
    }

    @Override
    public synchronized void close() {
        kill();
        deleteRecursively(home);
    }

    private void writeConfig() throws IOException {
        Properties config = new Properties();
        config.setProperty("process.roles", "broker,controller");
        config.setProperty("node.id", "1");
        config.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        config.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        config.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        config.setProperty("controller.listener.names", "CONTROLLER");
        config.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.setProperty("inter.broker.listener.name", "PLAINTEXT");
        config.setProperty("log.dirs", home.resolve("data").toString());
        config.setProperty("num.partitions", String.valueOf(partitions));
        config.setProperty("auto.create.topics.enable", "true");
        config.setProperty("offsets.topic.replication.factor", "1");
        config.setProperty("offsets.topic.num.partitions", "5");
        config.setProperty("transaction.state.log.replication.factor", "1");
        config.setProperty("transaction.state.log.min.isr", "1");
        config.setProperty("share.coordinator.state.topic.replication.factor", "1");
        config.setProperty("share.coordinator.state.topic.min.isr", "1");
        config.setProperty("group.initial.rebalance.delay.ms", "0");
        config.setProperty("log.flush.interval.messages", "1");
        try (var out = Files.newOutputStream(home.resolve("server.properties"))) {
            config.store(out, "OpenClaw test broker");
        }
    }

    private void format() throws IOException {
        Process formatter = java(
                        "kafka.tools.StorageTool",
                        "format",
                        "-t",
                        Uuid.randomUuid().toString(),
                        "-c",
                        home.resolve("server.properties").toString())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        home.resolve("format.log").toFile()))
                .start();
        try {
            if (!formatter.waitFor(60, TimeUnit.SECONDS) || formatter.exitValue() != 0) {
                throw new IllegalStateException("formatting Kafka storage failed, see " + home.resolve("format.log"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private ProcessBuilder java(String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        // tests want a broker that starts fast; benchmarks one that runs as in production (full JIT, G1)
        String options = System.getProperty(
                "openclaw.test.kafka.jvm-options", "-Xms128m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        command.addAll(List.of(options.trim().split("\\s+")));
        command.addAll(List.of(
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.log.kafka.server.BrokerServer=info",
                "-cp",
                libDir.resolve("*").toString(),
                mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).directory(home.toFile());
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        Exception last = null;
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Kafka broker exited at start, see " + logFile());
            }
            try (Admin admin = admin()) {
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = e;
            }
        }
        throw new IllegalStateException("the Kafka broker did not become ready, see " + logFile(), last);
    }

    private void waitForExit(Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            try {
                process.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // nothing more we can do for a process that survives SIGKILL
            }
        }
    }

    static Path locateLibDir() {
        String override = System.getProperty("openclaw.kafka.lib", System.getenv("OPENCLAW_KAFKA_LIB"));
        Path dir;
        if (override != null) {
            dir = Paths.get(override);
        } else {
            Properties props = new Properties();
            try (InputStream in = KafkaBroker.class.getResourceAsStream("/openclaw-testing.properties")) {
                props.load(in);
            } catch (IOException | NullPointerException e) {
                throw new IllegalStateException("openclaw-testing.properties is missing from platform-testing", e);
            }
            dir = Paths.get(props.getProperty("kafka.broker.lib"));
        }
        try (Stream<Path> jars = Files.list(dir)) {
            if (jars.noneMatch(p -> p.getFileName().toString().startsWith("kafka_2.13"))) {
                throw new IllegalStateException("no Kafka broker jars in " + dir);
            }
        } catch (IOException e) {
            throw new IllegalStateException(
                    "no Kafka broker jars in " + dir
                            + ": build platform-testing first (./mvnw -pl platform-testing install)",
                    e);
        }
        return dir;
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temporary data; the OS cleans /tmp
        }
    }

    /** Topic names as a set, for tests that assert on what exists. */
    public Set<String> topics() {
        try (Admin admin = admin()) {
            return admin.listTopics().names().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not list topics", e);
        }
    }
}
