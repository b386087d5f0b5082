package io.openclaw.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.e2e.Http;
import io.openclaw.e2e.Http.Reply;
import io.openclaw.e2e.PlatformUnderTest;
import io.openclaw.e2e.bench.HttpLoad.Request;
import io.openclaw.events.Topics;
import io.openclaw.testing.KafkaBroker;
import io.openclaw.testing.PostgresServer;
import io.openclaw.testing.QuarkusAppProcess;
import io.openclaw.testing.RedisServer;
import io.openclaw.testing.TestJwt;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every benchmark of the platform, run by {@code ./platform bench [tokens|keys|pairing|audit|all]} against the
 * packaged services. Each scenario is reported beside the limit it is measured against in the same run. The
 * groups measured at a dedicated service run first, before anything starts the whole platform, whose idle
 * services would otherwise share the two cores with them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformBench {

    // the services' JIT compilers share the two cores with the load: a short warm-up measures the compiler
    // (HTTP scenarios go on warming up until the throughput is steady, see HttpLoad)
    private static final Duration WARM_UP = Duration.ofSeconds(Long.getLong("bench.warmup", 15));
    // a grant's code path is larger than a no-op's: the compiler works on it for a minute under load
    private static final Duration GRANT_WARM_UP = Duration.ofSeconds(Long.getLong("bench.grant-warmup", 60));
    private static final Duration MEASURE = Duration.ofSeconds(Long.getLong("bench.seconds", 15));
    private static final Path OUT = QuarkusAppProcess.moduleDir("docs").resolve("benchmarks");
    private static final Set<String> SELECTED =
            Set.of(System.getProperty("bench", "all").split(","));
    // -Dbench.scenarios=refresh,introspection: only the token scenarios whose names contain one of these (the
    // signing ceiling always runs); for profiling one scenario without the rest of the group
    private static final List<String> SCENARIOS = java.util.Arrays.stream(
                    System.getProperty("bench.scenarios", "").split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .toList();

    @Test
    @Order(3)
    void tokens() throws Exception {
        if (!selected("tokens")) {
            return;
        }
        PlatformUnderTest platform = PlatformUnderTest.shared();
        // token-service with the services it calls, the broker and the stores: audit-service, which would
        // ingest and run detection on every event on the same two cores, is stopped meanwhile
        platform.audit.stop();
        try {
            tokens(platform);
        } finally {
            platform.audit.start();
        }
    }

    private void tokens(PlatformUnderTest platform) throws Exception {
        BenchReport report = new BenchReport("tokens");
        // the no-op first: the services just started still compile in the background for a while
        String live = "token no-op (/q/health/live)";
        if (wanted(live)) {
            report.add(noop(live, platform.token.baseUrl()));
        }
        LoadResult ceiling = signingCeiling("RS256 signing ceiling (2 threads, in-process)");
        report.add(ceiling);

        Setup setup = Setup.create(platform);
        String tokenUrl = platform.token.baseUrl();
        Request grant = Request.post(
                "/v1/oauth/token",
                FORM,
                formBody(Map.of(
                        "grant_type", "client_credentials", "client_id", setup.keyId, "client_secret", setup.key)));
        List<LoadResult> grants = new ArrayList<>();
        String clientCredentials = "client_credentials";
        if (wanted(clientCredentials)) {
            grants.add(HttpLoad.closedLoop(
                    clientCredentials, tokenUrl, 32, GRANT_WARM_UP, MEASURE, i -> fixed(grant, 200, "access_token")));
        }
        HttpLoad.ConnectionFactory chain = i -> refreshChain(setup.pairDevice());
        String refresh = "refresh_token with rotation";
        if (wanted(refresh)) {
            grants.add(HttpLoad.closedLoop(refresh, tokenUrl, 32, GRANT_WARM_UP, MEASURE, chain));
        }
        // the ceiling moves with whatever else shares the machine: measured again, and the higher of the two is
        // the limit every grant is compared with
        LoadResult again = signingCeiling("RS256 signing ceiling, again after the closed loops");
        report.add(again);
        LoadResult limit = again.throughput() > ceiling.throughput() ? again : ceiling;
        // the latency target: p99 at 70 % of the target load (0.6 x the ceiling), i.e. at 0.42 x the ceiling, sent
        // as an open loop so that a slow answer does not hold back the requests due after it
        int seventyPercent = (int) Math.round(limit.throughput() * 0.6 * 0.7);
        String clientCredentialsOpen = "client_credentials at 70 % of the target load";
        if (wanted(clientCredentialsOpen)) {
            grants.add(HttpLoad.openLoop(
                    clientCredentialsOpen,
                    tokenUrl,
                    seventyPercent,
                    64,
                    WARM_UP,
                    MEASURE,
                    i -> fixed(grant, 200, "access_token")));
        }
        String refreshOpen = "refresh_token at 70 % of the target load";
        if (wanted(refreshOpen)) {
            grants.add(HttpLoad.openLoop(refreshOpen, tokenUrl, seventyPercent, 64, WARM_UP, MEASURE, chain));
        }
        grants.forEach(result -> report.add(result, limit));
        if (wanted(INTROSPECTION)) {
            introspection(platform, tokenUrl, report, limit);
        }
        String pairing = "pairing exchange (issue + pair)";
        if (wanted(pairing)) {
            report.add(
                    LoadGenerator.closedLoop(pairing, 4, WARM_UP, MEASURE, worker -> () -> setup.pairDevice() != null),
                    limit);
        }
        resources(report, platform);
        report.write(OUT);
    }

    private static void introspection(PlatformUnderTest platform, String tokenUrl, BenchReport report, LoadResult limit)
            throws Exception {
        // tokens of their own: the owner's access token from the start of the group lives 15 minutes
        Setup introspecting = Setup.create(platform);
        String access = introspecting.deviceAccessToken();
        Request introspect = Request.post(
                "/v1/oauth/introspect",
                Map.of(
                        "Authorization",
                        "Bearer " + introspecting.ownerToken,
                        "Content-Type",
                        "application/x-www-form-urlencoded"),
                "token=" + access);
        report.add(
                HttpLoad.closedLoop(
                        INTROSPECTION, tokenUrl, 32, WARM_UP, MEASURE, i -> fixed(introspect, 200, "\"active\":true")),
                limit);
    }

    private static final String INTROSPECTION = "introspection";

    /**
     * Whether a token scenario is to run: all of them, unless {@code bench.scenarios} names some (a scenario
     * runs when its name contains one of the values).
     */
    private static boolean wanted(String scenario) {
        return SCENARIOS.isEmpty() || SCENARIOS.stream().anyMatch(scenario::contains);
    }

    /**
     * Verification at key-rotation-service itself: a dedicated instance with its own broker, PostgreSQL and
     * Redis (nothing else on the machine consuming its usage events), trusting the benchmark's test signing
     * key; the key is created through the service's API as an operator would.
     */
    @Test
    @Order(1)
    void keys() throws Exception {
        if (!selected("keys")) {
            return;
        }
        BenchReport report = new BenchReport("keys");
        try (KafkaBroker broker = KafkaBroker.create();
                PostgresServer postgres = PostgresServer.create();
                RedisServer redis = RedisServer.create("everysec")) {
            broker.start();
            broker.createTopics(Topics.ALL);
            try (QuarkusAppProcess keys = dedicatedKeysService(broker, postgres, redis)) {
                keys.start();
                LoadResult noop = noop("key-rotation no-op (/q/health/live)", keys.baseUrl());
                report.add(noop);
                Http admin =
                        Http.to(keys.baseUrl()).bearer(TestJwt.platformAdmin().sign());
                String account = admin.postJson("/v1/accounts", Map.of("name", "bench keys"))
                        .field("id");
                Reply key = admin.postJson(
                        "/v1/keys",
                        Map.of(
                                "name",
                                "bench backend",
                                "scopes",
                                List.of("data:read"),
                                "environment",
                                "test",
                                "account_id",
                                account));
                assertThat(key.status()).as("backend key: %s", key).isEqualTo(201);
                Request verify = Request.post(
                        "/v1/keys/verify",
                        Map.of(
                                "Authorization",
                                "Bearer "
                                        + TestJwt.token(account, "keys:verify").sign(),
                                "Content-Type",
                                "application/json"),
                        Http.JSON.writeValueAsString(Map.of(
                                "key", key.field("key"), "required_scopes", List.of(), "client_ip", "198.51.100.7")));
                report.add(
                        HttpLoad.closedLoop(
                                "key verification",
                                keys.baseUrl(),
                                32,
                                WARM_UP,
                                MEASURE,
                                i -> fixed(verify, 200, "\"valid\":true")),
                        noop);
                report.fact("dedicated key-rotation-service RSS MiB", keys.rssKiB() / 1024);
            }
        }
        report.write(OUT);
    }

    private static QuarkusAppProcess dedicatedKeysService(
            KafkaBroker broker, PostgresServer postgres, RedisServer redis) {
        String database = postgres.createDatabase("openclaw_keys_bench");
        return QuarkusAppProcess.builder(
                        "key-rotation-service-bench", QuarkusAppProcess.moduleDir("key-rotation-service"))
                .property("kafka.bootstrap.servers", broker.bootstrapServers())
                .property("quarkus.redis.hosts", redis.url(0))
                .property("quarkus.datasource.reactive.url", postgres.reactiveUrl(database))
                .property("quarkus.datasource.jdbc.url", postgres.jdbcUrl(database))
                .property("quarkus.datasource.username", "postgres")
                .property("quarkus.datasource.password", "")
                .property("mp.jwt.verify.publickey.location", TestJwt.jwksLocation())
                .property("mp.jwt.verify.issuer", TestJwt.ISSUER)
                .property("mp.jwt.verify.audiences", TestJwt.AUDIENCE)
                .property("openclaw.issuer", TestJwt.ISSUER)
                .property("openclaw.jwks-url", TestJwt.jwksLocation())
                .env("OPENCLAW_KEYS_SEALING_KEY", randomBase64())
                .build();
    }

    /**
     * Issuance and redemption at pairing-service itself: a dedicated instance of the packaged service with its
     * own broker and Redis (nothing else on the machine consuming its events, as the service would be measured
     * on its own node), trusting the benchmark's test signing key, so redemption is called with a service token
     * as token-service calls it, without token minting. Then the full exchange through token-service on the
     * whole platform, where every event is also relayed, audited and run through detection on the same cores.
     */
    @Test
    @Order(2)
    void pairing() throws Exception {
        if (!selected("pairing")) {
            return;
        }
        BenchReport report = new BenchReport("pairing");
        LoadResult noop;
        try (KafkaBroker broker = KafkaBroker.create();
                RedisServer redis = RedisServer.create("everysec")) {
            broker.start();
            broker.createTopics(Topics.ALL);
            try (QuarkusAppProcess pairing = dedicatedPairingService(broker, redis)) {
                pairing.start();
                noop = noop("pairing no-op (/q/health/live)", pairing.baseUrl());
                report.add(noop);
                pairingAtTheService(report, pairing, noop);
                report.fact("dedicated pairing-service RSS MiB", pairing.rssKiB() / 1024);
            }
        }
        PlatformUnderTest platform = PlatformUnderTest.shared();
        Setup setup = Setup.create(platform);
        report.add(
                LoadGenerator.closedLoop(
                        "full pairing exchange via token-service (platform)",
                        4,
                        WARM_UP,
                        MEASURE,
                        worker -> () -> setup.pairDevice() != null),
                noop);
        resources(report, platform);
        report.write(OUT);
    }

    private static void pairingAtTheService(BenchReport report, QuarkusAppProcess pairing, LoadResult noop)
            throws Exception {
        Map<String, String> owner = Map.of(
                "Authorization",
                "Bearer "
                        + TestJwt.token("acc_bench_pairing", "pairing:issue", "data:read")
                                .sign(),
                "Content-Type",
                "application/json");
        Map<String, String> service = Map.of(
                "Authorization",
                "Bearer " + TestJwt.token(null, "pairing:redeem").sign(),
                "Content-Type",
                "application/json");
        Queue<String> codes = new ConcurrentLinkedQueue<>();
        AtomicLong labels = new AtomicLong();
        report.add(
                HttpLoad.closedLoop(
                        "code issuance at the service",
                        pairing.baseUrl(),
                        32,
                        WARM_UP,
                        MEASURE,
                        i -> new HttpLoad.Connection() {
                            @Override
                            public Request next() {
                                // a label of its own per code, so no code supersedes another
                                return Request.post(
                                        "/v1/pairing-codes",
                                        owner,
                                        "{\"scopes\":[\"data:read\"],\"ttl_seconds\":600,\"label\":\"bench-"
                                                + labels.incrementAndGet() + "\"}");
                            }

                            @Override
                            public boolean succeeded(int status, Buffer body) {
                                if (status != 201) {
                                    return false;
                                }
                                codes.add(body.toJsonObject().getString("code"));
                                return true;
                            }
                        }),
                noop);
        report.add(
                // each redemption spends a code issued above: the window is as long as the codes last
                HttpLoad.closedLoop(
                        "code redemption at the service",
                        pairing.baseUrl(),
                        32,
                        Duration.ofSeconds(2),
                        false,
                        Duration.ofSeconds(Math.min(MEASURE.toSeconds(), 6)),
                        i -> new HttpLoad.Connection() {
                            @Override
                            public Request next() {
                                String code = codes.poll();
                                return code == null
                                        ? null
                                        : Request.post(
                                                "/internal/v1/redemptions",
                                                service,
                                                "{\"code\":\"" + code
                                                        + "\",\"source_ip\":\"198.51.100.30\",\"user_agent\":\"bench\"}");
                            }

                            @Override
                            public boolean succeeded(int status, Buffer body) {
                                return status == 200;
                            }
                        }),
                noop);
    }

    private static QuarkusAppProcess dedicatedPairingService(KafkaBroker broker, RedisServer redis) {
        return QuarkusAppProcess.builder("pairing-service-bench", QuarkusAppProcess.moduleDir("pairing-service"))
                .property("kafka.bootstrap.servers", broker.bootstrapServers())
                .property("quarkus.redis.hosts", redis.url(0))
                .property("mp.jwt.verify.publickey.location", TestJwt.jwksLocation())
                .property("mp.jwt.verify.issuer", TestJwt.ISSUER)
                .property("mp.jwt.verify.audiences", TestJwt.AUDIENCE)
                .property("openclaw.issuer", TestJwt.ISSUER)
                .property("openclaw.jwks-url", TestJwt.jwksLocation())
                .env("OPENCLAW_PAIRING_CODE_HMAC_KEY", randomBase64())
                .build();
    }

    @Test
    @Order(4)
    void audit() throws Exception {
        if (!selected("audit")) {
            return;
        }
        PlatformUnderTest platform = PlatformUnderTest.shared();
        BenchReport report = new BenchReport("audit");
        try (Connection auditDatabase = platform.postgres.connect(platform.auditDatabase)) {
            AuditBench bench =
                    new AuditBench(platform.broker.bootstrapServers(), auditDatabase, platform.audit::cpuTime);
            AuditBench.Ingest ingest = bench.ingest(Integer.getInteger("bench.audit.events", 50_000));
            report.add(ingest.raw());
            report.add(ingest.stored(), ingest.raw());
            report.fact(
                    "audit ingest: audit-service CPU µs per stored event (median burst)", ingest.serviceCpuMicros());
            report.fact(
                    "audit ingest: machine CPU µs per stored event (median burst, every process)",
                    ingest.machineCpuMicros());
            report.add(bench.alertLatency(2_000, MEASURE));
        }
        resources(report, platform);
        report.write(OUT);
    }

    /** docs/benchmarks.md: how the figures are made, then every group's latest table and chart. */
    @org.junit.jupiter.api.AfterAll
    static void writeSummary() throws java.io.IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n")
                .append(String.join(
                        "\n",
                        "Written by `./platform bench` (the `bench` profile of the e2e module) against the packaged services run",
                        "as processes with the real broker, PostgreSQL and Redis on this machine. Every figure is reported beside",
                        "a limit measured in the same run (the RS256 signing ceiling for grants, a no-op endpoint of the same",
                        "service for the others) as a ratio, because the machine is shared and absolute figures move from run to",
                        "run. Machine-readable results: `docs/benchmarks/<group>.json`.",
                        "",
                        "- **Load**: HTTP scenarios are a closed loop over N HTTP/1.1 keep-alive connections, each with one request",
                        "  in flight, from a non-blocking client on one thread (so that the load generator takes as little as",
                        "  possible of the two cores); latencies go into an HDR histogram. Open-loop scenarios send at a fixed rate",
                        "  and measure each latency from the moment its request was due (no coordinated omission). The load",
                        "  generator's JVM has a fixed heap touched at start (growing it had the kernel zeroing fresh pages on",
                        "  the cores under test).",
                        "- **Warm-up**: at least 15 s (60 s for grants), then 5 s rounds until the last three lie within 5 % of",
                        "  each other (at most 120 s): the services' JIT compilers share the cores with the load for a minute or",
                        "  more while throughput creeps up, and a short warm-up measures the compiler. The audit ingest burst is",
                        "  preceded by unmeasured bursts of the same size for at least 60 s and until three in a row agree within",
                        "  10 % (at most 40 bursts), then three bursts are measured and the median one is the figure; a burst's",
                        "  events are serialised before the clock starts, and it ends when the writer's partition positions,",
                        "  committed with the records, have passed it. Beside the rate it reports the CPU time per stored event",
                        "  of audit-service and of the whole machine in that burst, which the neighbours move less.",
                        "- **At the service** (pairing, keys): a dedicated instance of the packaged service with its own broker,",
                        "  PostgreSQL and Redis, called with tokens of a test signing key it trusts, as it would run on its own node.",
                        "- **tokens**: token-service with the services it calls (key-rotation-, pairing-service), the broker and the",
                        "  stores; audit-service is stopped meanwhile, so its ingest and detection do not share the two cores.",
                        "  The signing ceiling is measured before and after the closed loops (services just started still compile",
                        "  in the background); grants are compared with the higher of the two. The latency target is read in an",
                        "  open loop at 70 % of the target load, i.e. 0.7 × 0.6 × the ceiling.",
                        "- **Platform** scenarios (the full pairing exchange, audit) run with all four services, where every request",
                        "  also causes relay, audit ingest with the hash chain and detection on the same cores.",
                        "",
                        ""));
        try (var files = java.nio.file.Files.list(OUT)) {
            for (Path group :
                    files.filter(f -> f.toString().endsWith(".md")).sorted().toList()) {
                String name = group.getFileName().toString().replace(".md", "");
                md.append(java.nio.file.Files.readString(group))
                        .append("\n![")
                        .append(name)
                        .append("](benchmarks/")
                        .append(name)
                        .append(".svg)\n\n");
            }
        }
        java.nio.file.Files.writeString(OUT.getParent().resolve("benchmarks.md"), md.toString());
    }

    private static boolean selected(String name) {
        return SELECTED.contains("all") || SELECTED.contains(name);
    }

    private static void resources(BenchReport report, PlatformUnderTest platform) {
        long total = 0;
        for (QuarkusAppProcess service : platform.services()) {
            long rss = service.rssKiB();
            total += Math.max(0, rss);
            report.fact(service.toString() + " RSS MiB", rss / 1024);
            report.fact(
                    service.toString() + " last startup ms",
                    service.lastStartup().toMillis());
        }
        report.fact("four services RSS MiB", total / 1024);
        report.fact("four services started together in ms", platform.startedIn().toMillis());
    }

    /** RS256 signatures per second from 2 threads with a 2048-bit key: the ceiling of every grant. */
    static LoadResult signingCeiling(String scenario) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        PrivateKey key = generator.generateKeyPair().getPrivate();
        byte[] payload = new byte[300];
        return LoadGenerator.closedLoop(scenario, 2, WARM_UP, MEASURE, worker -> {
            Signature signature = Signature.getInstance("SHA256withRSA");
            return () -> {
                signature.initSign(key);
                signature.update(payload);
                return signature.sign().length == 256;
            };
        });
    }

    /** A device's chain of refresh grants: each request presents the token the previous answer returned. */
    private static HttpLoad.Connection refreshChain(String first) {
        return new HttpLoad.Connection() {
            private String refresh = first;

            @Override
            public Request next() {
                return Request.post(
                        "/v1/oauth/token",
                        FORM,
                        formBody(Map.of("grant_type", "refresh_token", "refresh_token", refresh)));
            }

            @Override
            public boolean succeeded(int status, Buffer body) {
                if (status != 200) {
                    return false;
                }
                refresh = body.toJsonObject().getString("refresh_token");
                return refresh != null;
            }
        };
    }

    private static final Map<String, String> FORM = Map.of("Content-Type", "application/x-www-form-urlencoded");

    /** The service's liveness endpoint at 32 connections: the limit its other figures are compared with. */
    private static LoadResult noop(String name, String baseUrl) throws Exception {
        Request live = Request.get("/q/health/live", Map.of());
        return HttpLoad.closedLoop(name, baseUrl, 32, WARM_UP, MEASURE, i -> fixed(live, 200, "UP"));
    }

    /** A connection that sends the same request again and again. */
    private static HttpLoad.Connection fixed(Request request, int status, String expected) {
        return new HttpLoad.Connection() {
            @Override
            public Request next() {
                return request;
            }

            @Override
            public boolean succeeded(int answered, Buffer body) {
                return answered == status && body.toString().contains(expected);
            }
        };
    }

    private static String formBody(Map<String, String> form) {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&")
                .append(k)
                .append('=')
                .append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8)));
        return body.toString();
    }

    private static String randomBase64() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return Base64.getEncoder().encodeToString(random);
    }

    /** An account, an owner key with its token, and a backend key for client_credentials. */
    private static final class Setup {
        final PlatformUnderTest platform;
        final String ownerToken;
        final String keyId;
        final String key;

        private Setup(PlatformUnderTest platform, String ownerToken, String keyId, String key) {
            this.platform = platform;
            this.ownerToken = ownerToken;
            this.keyId = keyId;
            this.key = key;
        }

        static Setup create(PlatformUnderTest platform) {
            Http token = Http.to(platform.token.baseUrl());
            String admin = token.postForm(
                            "/v1/oauth/token",
                            Http.form(
                                    "grant_type", "client_credentials",
                                    "client_id", PlatformUnderTest.ADMIN_KEY_ID,
                                    "client_secret", platform.adminKey))
                    .field("access_token");
            Http keys = Http.to(platform.keys.baseUrl()).bearer(admin);
            String account = keys.postJson("/v1/accounts", Map.of("name", "bench " + System.nanoTime()))
                    .field("id");
            Reply owner = keys.postJson(
                    "/v1/keys",
                    Map.of(
                            "name",
                            "bench owner",
                            "scopes",
                            List.of("keys:manage", "keys:verify", "pairing:issue", "tokens:introspect", "data:read"),
                            "environment",
                            "test",
                            "account_id",
                            account));
            assertThat(owner.status()).as("owner key: %s", owner).isEqualTo(201);
            String ownerToken = token.postForm(
                            "/v1/oauth/token",
                            Http.form(
                                    "grant_type", "client_credentials",
                                    "client_id", owner.field("id"),
                                    "client_secret", owner.field("key")))
                    .field("access_token");
            return new Setup(platform, ownerToken, owner.field("id"), owner.field("key"));
        }

        /** Issues a code and pairs a device with it; returns the device's refresh token, or null on failure. */
        String pairDevice() {
            Reply code = Http.to(platform.pairing.baseUrl())
                    .bearer(ownerToken)
                    .postJson(
                            "/v1/pairing-codes",
                            Map.of("scopes", List.of("data:read"), "label", "bench-" + System.nanoTime()));
            if (code.status() != 201) {
                return null;
            }
            Reply paired = Http.to(platform.token.baseUrl())
                    .postJson("/v1/auth/pair", Map.of("pairing_code", code.field("code"), "device_name", "bench"));
            return paired.status() == 200 ? paired.field("refresh_token") : null;
        }

        String deviceAccessToken() {
            Reply code = Http.to(platform.pairing.baseUrl())
                    .bearer(ownerToken)
                    .postJson("/v1/pairing-codes", Map.of("scopes", List.of("data:read"), "label", "bench-introspect"));
            return Http.to(platform.token.baseUrl())
                    .postJson("/v1/auth/pair", Map.of("pairing_code", code.field("code"), "device_name", "bench"))
                    .field("access_token");
        }
    }
}
