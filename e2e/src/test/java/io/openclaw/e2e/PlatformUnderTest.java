package io.openclaw.e2e;

import io.openclaw.testing.KafkaBroker;
import io.openclaw.testing.Ports;
import io.openclaw.testing.PostgresServer;
import io.openclaw.testing.QuarkusAppProcess;
import io.openclaw.testing.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The four packaged services as real processes, against the real broker, a PostgreSQL database per service
 * and Redis databases: the platform a user meets, started once per test JVM. PostgreSQL and Redis are
 * private servers of this run, so fault tests can stop them without touching anything else on the machine.
 */
public final class PlatformUnderTest implements AutoCloseable {

    /** The bootstrap platform-admin key of this run (test environment key, valid checksum). */
    public static final String ADMIN_KEY_ID = "key_platform_admin";

    public static final String ISSUER = "http://openclaw.e2e";

    private static PlatformUnderTest shared;
    private static RuntimeException startFailure;
    private boolean closed;
    private java.time.Duration startedIn;

    public final KafkaBroker broker;
    public final PostgresServer postgres;
    public final RedisServer redis;
    public final QuarkusAppProcess pairing;
    public final QuarkusAppProcess token;
    public final QuarkusAppProcess keys;
    public final QuarkusAppProcess audit;
    public final String adminKey;
    /** key-rotation-service's database on {@link #postgres}, for journeys that move its schedule forward. */
    public final String keysDatabase;
    /** audit-service's database on {@link #postgres}, for benchmarks that read how far its writer got. */
    public final String auditDatabase;

    private PlatformUnderTest() {
        broker = KafkaBroker.shared();
        postgres = PostgresServer.create();
        redis = RedisServer.create();
        String tokenDb = postgres.createDatabase("openclaw_token");
        String keysDb = postgres.createDatabase("openclaw_keys");
        keysDatabase = keysDb;
        String auditDb = postgres.createDatabase("openclaw_audit");
        auditDatabase = auditDb;
        int pairingRedis = 1;
        int tokenRedis = 2;
        int keysRedis = 3;
        adminKey = System.getProperty("openclaw.e2e.admin-key", "ock_test_BootstrapAdminKeyForTests00000001NhVnv");

        int tokenPort = Ports.free();
        int pairingPort = Ports.free();
        int keysPort = Ports.free();
        String jwks = "http://127.0.0.1:" + tokenPort + "/.well-known/jwks.json";
        Map<String, String> common = new LinkedHashMap<>();
        common.put("kafka.bootstrap.servers", broker.bootstrapServers());
        common.put("openclaw.issuer", ISSUER);
        common.put("openclaw.jwks-url", jwks);
        common.put("quarkus.log.level", "INFO");
        // a shared two-core machine can be slow to hand out the first connection while four JVMs start
        common.put("quarkus.datasource.jdbc.acquisition-timeout", "15S");
        // journeys speak for several clients through X-Forwarded-For, as the front door does
        common.put("quarkus.http.proxy.proxy-address-forwarding", "true");
        common.put("quarkus.http.proxy.allow-x-forwarded", "true");
        common.put("quarkus.http.proxy.trusted-proxies", "127.0.0.1");

        token = QuarkusAppProcess.builder("token-service", QuarkusAppProcess.moduleDir("token-service"))
                .port(tokenPort)
                .properties(common)
                .properties(datasource(tokenDb))
                .property("quarkus.redis.hosts", redis.url(tokenRedis))
                .property("openclaw.token.pairing-url", "http://127.0.0.1:" + pairingPort)
                .property("openclaw.token.keys-url", "http://127.0.0.1:" + keysPort)
                .env("OPENCLAW_TOKEN_KEK", randomBase64(32))
                // a signing-key rotation completes within a journey: verifiers may cache the JWKS for 2 s,
                // a new key is published 6 s before it signs
                .property("openclaw.token.jwks-max-age", "PT2S")
                .property("openclaw.token.key-propagation-delay", "PT6S")
                .property("openclaw.token.key-ring-refresh", "PT1S")
                .build();
        pairing = QuarkusAppProcess.builder("pairing-service", QuarkusAppProcess.moduleDir("pairing-service"))
                .port(pairingPort)
                .properties(common)
                .property("quarkus.redis.hosts", redis.url(pairingRedis))
                .env("OPENCLAW_PAIRING_CODE_HMAC_KEY", randomBase64(32))
                .build();
        keys = QuarkusAppProcess.builder("key-rotation-service", QuarkusAppProcess.moduleDir("key-rotation-service"))
                .port(keysPort)
                .properties(common)
                .properties(datasource(keysDb))
                .property("quarkus.redis.hosts", redis.url(keysRedis))
                .env("OPENCLAW_KEYS_BOOTSTRAP_ADMIN_KEY", adminKey)
                .env("OPENCLAW_KEYS_SEALING_KEY", randomBase64(32))
                .property("openclaw.keys.schedule.tick", "1s")
                .build();
        audit = QuarkusAppProcess.builder("audit-service", QuarkusAppProcess.moduleDir("audit-service"))
                // the heap ./platform up gives it, with the young generation it is deployed with (docs/audit.md)
                .jvmOptions("-Xmx512m", "-XX:NewRatio=1")
                .properties(common)
                .properties(datasource(auditDb))
                .property("quarkus.kafka-streams.application-id", "openclaw-e2e-audit-" + System.nanoTime())
                .property(
                        "kafka-streams.state.dir",
                        tempDir("openclaw-e2e-streams").toString())
                .build();
    }

    private void start() {
        long began = System.nanoTime();
        CompletableFuture.allOf(
                        CompletableFuture.runAsync(token::start),
                        CompletableFuture.runAsync(pairing::start),
                        CompletableFuture.runAsync(keys::start),
                        CompletableFuture.runAsync(audit::start))
                .join();
        startedIn = java.time.Duration.ofNanos(System.nanoTime() - began);
    }

    /** How long the four services took to become ready when started together (in parallel). */
    public java.time.Duration startedIn() {
        return startedIn;
    }

    /**
     * The platform shared by every journey in this JVM, started on first use. A failed start stops what it
     * started, releases its stores and is not retried by the next journey.
     */
    public static synchronized PlatformUnderTest shared() {
        if (startFailure != null) {
            throw new IllegalStateException("the platform failed to start earlier in this run", startFailure);
        }
        if (shared == null) {
            PlatformUnderTest platform = new PlatformUnderTest();
            Runtime.getRuntime().addShutdownHook(new Thread(platform::close, "platform-under-test-shutdown"));
            try {
                platform.start();
            } catch (RuntimeException e) {
                startFailure = e;
                platform.close();
                throw e;
            }
            shared = platform;
        }
        return shared;
    }

    public List<QuarkusAppProcess> services() {
        return List.of(pairing, token, keys, audit);
    }

    /** Every service log of this run, for scanning for secrets. */
    public List<Path> logs() {
        return services().stream().map(QuarkusAppProcess::logFile).toList();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        services().forEach(QuarkusAppProcess::kill);
        redis.close();
        postgres.close();
    }

    private Map<String, String> datasource(String database) {
        return Map.of(
                "quarkus.datasource.reactive.url",
                postgres.reactiveUrl(database),
                "quarkus.datasource.jdbc.url",
                postgres.jdbcUrl(database),
                "quarkus.datasource.username",
                "postgres",
                "quarkus.datasource.password",
                "");
    }

    private static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String randomBase64(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return Base64.getEncoder().encodeToString(random);
    }
}
