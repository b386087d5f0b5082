package io.openclaw.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.e2e.Http;
import io.openclaw.e2e.Http.Reply;
import io.openclaw.e2e.PlatformUnderTest;
import io.openclaw.testing.QuarkusAppProcess;
import io.openclaw.testing.TestJwt;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every benchmark of the platform, run by {@code ./platform bench [tokens|keys|pairing|all]} against the
 * four packaged services. Each scenario is reported beside the limit it is measured against in the same run.
 */
class PlatformBench {

    private static final Duration WARM_UP = Duration.ofSeconds(Long.getLong("bench.warmup", 5));
    private static final Duration MEASURE = Duration.ofSeconds(Long.getLong("bench.seconds", 15));
    private static final Path OUT = QuarkusAppProcess.moduleDir("docs").resolve("benchmarks");
    private static final HttpClient CLIENT = HttpClient.newBuilder().build();
    private static final Set<String> SELECTED =
            Set.of(System.getProperty("bench", "all").split(","));

    @Test
    void tokens() throws Exception {
        if (!selected("tokens")) {
            return;
        }
        PlatformUnderTest platform = PlatformUnderTest.shared();
        BenchReport report = new BenchReport("tokens");
        LoadResult ceiling = signingCeiling();
        report.add(ceiling);
        LoadResult noop = get("token no-op (/q/health/live)", platform.token.baseUrl() + "/q/health/live", 32);
        report.add(noop);

        Setup setup = Setup.create(platform);
        report.add(
                LoadGenerator.closedLoop(
                        "client_credentials",
                        8,
                        WARM_UP,
                        MEASURE,
                        worker -> () -> form(
                                        platform.token.baseUrl() + "/v1/oauth/token",
                                        Http.form(
                                                "grant_type", "client_credentials",
                                                "client_id", setup.keyId,
                                                "client_secret", setup.key))
                                == 200),
                ceiling);
        report.add(
                LoadGenerator.closedLoop("refresh_token with rotation", 8, WARM_UP, MEASURE, worker -> {
                    String[] refresh = {setup.pairDevice()};
                    return () -> {
                        HttpResponse<String> r = formResponse(
                                platform.token.baseUrl() + "/v1/oauth/token",
                                Http.form("grant_type", "refresh_token", "refresh_token", refresh[0]));
                        if (r.statusCode() != 200) {
                            return false;
                        }
                        refresh[0] = Http.JSON
                                .readTree(r.body())
                                .get("refresh_token")
                                .asText();
                        return true;
                    };
                }),
                ceiling);
        String access = setup.deviceAccessToken();
        report.add(
                LoadGenerator.closedLoop("introspection", 16, WARM_UP, MEASURE, worker -> () -> {
                    HttpResponse<String> r = CLIENT.send(
                            HttpRequest.newBuilder(URI.create(platform.token.baseUrl() + "/v1/oauth/introspect"))
                                    .header("Authorization", "Bearer " + setup.ownerToken)
                                    .header("Content-Type", "application/x-www-form-urlencoded")
                                    .POST(HttpRequest.BodyPublishers.ofString("token=" + access))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    return r.statusCode() == 200 && r.body().contains("\"active\":true");
                }),
                ceiling);
        report.add(
                LoadGenerator.closedLoop(
                        "pairing exchange (issue + pair)",
                        4,
                        WARM_UP,
                        MEASURE,
                        worker -> () -> setup.pairDevice() != null),
                ceiling);
        resources(report, platform);
        report.write(OUT);
    }

    @Test
    void keys() throws Exception {
        if (!selected("keys")) {
            return;
        }
        PlatformUnderTest platform = PlatformUnderTest.shared();
        BenchReport report = new BenchReport("keys");
        LoadResult noop = get("key-rotation no-op (/q/health/live)", platform.keys.baseUrl() + "/q/health/live", 32);
        report.add(noop);
        Setup setup = Setup.create(platform);
        String verifier = Http.to(platform.token.baseUrl())
                .postForm(
                        "/v1/oauth/token",
                        Http.form(
                                "grant_type",
                                "client_credentials",
                                "client_id",
                                setup.keyId,
                                "client_secret",
                                setup.key))
                .field("access_token");
        String body = Http.JSON.writeValueAsString(
                Map.of("key", setup.key, "required_scopes", List.of(), "client_ip", "198.51.100.7"));
        report.add(
                LoadGenerator.closedLoop("key verification", 32, WARM_UP, MEASURE, worker -> () -> {
                    HttpResponse<String> r = CLIENT.send(
                            HttpRequest.newBuilder(URI.create(platform.keys.baseUrl() + "/v1/keys/verify"))
                                    .header("Authorization", "Bearer " + verifier)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    return r.statusCode() == 200 && r.body().contains("\"valid\":true");
                }),
                noop);
        resources(report, platform);
        report.write(OUT);
    }

    /**
     * Issuance and redemption at pairing-service itself: a dedicated instance of the packaged service (its
     * own Redis database, the shared broker) that trusts the benchmark's test signing key, so redemption is
     * called with a service token as token-service calls it, without token minting. Then the full exchange
     * through token-service on the platform.
     */
    @Test
    void pairing() throws Exception {
        if (!selected("pairing")) {
            return;
        }
        PlatformUnderTest platform = PlatformUnderTest.shared();
        BenchReport report = new BenchReport("pairing");
        try (QuarkusAppProcess pairing = dedicatedPairingService(platform)) {
            pairing.start();
            LoadResult noop = get("pairing no-op (/q/health/live)", pairing.baseUrl() + "/q/health/live", 32);
            report.add(noop);
            String owner = TestJwt.token("acc_bench_pairing", "pairing:issue", "data:read")
                    .sign();
            String service = TestJwt.token(null, "pairing:redeem").sign();
            java.util.concurrent.ConcurrentLinkedQueue<String> codes =
                    new java.util.concurrent.ConcurrentLinkedQueue<>();
            java.util.concurrent.atomic.AtomicReference<String> firstFailure =
                    new java.util.concurrent.atomic.AtomicReference<>();
            String body = Http.JSON.writeValueAsString(
                    Map.of("scopes", List.of("data:read"), "ttl_seconds", 600, "label", "bench"));
            report.add(
                    LoadGenerator.closedLoop("code issuance at the service", 32, WARM_UP, MEASURE, worker -> () -> {
                        HttpResponse<String> r = CLIENT.send(
                                HttpRequest.newBuilder(URI.create(pairing.baseUrl() + "/v1/pairing-codes"))
                                        .header("Authorization", "Bearer " + owner)
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(
                                                body.replace("bench", "bench-" + System.nanoTime())))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 201) {
                            if (firstFailure.compareAndSet(null, r.statusCode() + " " + r.body())) {
                                System.out.println("[bench] code issuance failed: " + firstFailure.get());
                            }
                            return false;
                        }
                        codes.add(Http.JSON.readTree(r.body()).get("code").asText());
                        return true;
                    }),
                    noop);
            report.add(
                    // each redemption spends a code issued above: a shorter window, so the codes last
                    LoadGenerator.closedLoop(
                            "code redemption at the service",
                            32,
                            Duration.ofSeconds(1),
                            Duration.ofSeconds(Math.min(MEASURE.toSeconds(), 6)),
                            worker -> () -> {
                                String code = codes.poll();
                                if (code == null) {
                                    // out of codes: counted as an error, without spinning
                                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                                    return false;
                                }
                                HttpResponse<String> r = CLIENT.send(
                                        HttpRequest.newBuilder(
                                                        URI.create(pairing.baseUrl() + "/internal/v1/redemptions"))
                                                .header("Authorization", "Bearer " + service)
                                                .header("Content-Type", "application/json")
                                                .POST(HttpRequest.BodyPublishers.ofString(Http.JSON.writeValueAsString(
                                                        Map.of(
                                                                "code",
                                                                code,
                                                                "source_ip",
                                                                "198.51.100.30",
                                                                "user_agent",
                                                                "bench"))))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString());
                                return r.statusCode() == 200;
                            }),
                    noop);
            Setup setup = Setup.create(platform);
            report.add(
                    LoadGenerator.closedLoop(
                            "full pairing exchange via token-service (platform)",
                            4,
                            WARM_UP,
                            MEASURE,
                            worker -> () -> setup.pairDevice() != null),
                    noop);
            report.fact("dedicated pairing-service RSS MiB", pairing.rssKiB() / 1024);
        }
        resources(report, platform);
        report.write(OUT);
    }

    private static QuarkusAppProcess dedicatedPairingService(PlatformUnderTest platform) {
        byte[] hmac = new byte[32];
        new java.security.SecureRandom().nextBytes(hmac);
        return QuarkusAppProcess.builder("pairing-service-bench", QuarkusAppProcess.moduleDir("pairing-service"))
                .property("kafka.bootstrap.servers", platform.broker.bootstrapServers())
                .property("quarkus.redis.hosts", platform.redis.url(4))
                .property("mp.jwt.verify.publickey.location", TestJwt.jwksLocation())
                .property("mp.jwt.verify.issuer", TestJwt.ISSUER)
                .property("mp.jwt.verify.audiences", TestJwt.AUDIENCE)
                .property("openclaw.issuer", TestJwt.ISSUER)
                .property("openclaw.jwks-url", TestJwt.jwksLocation())
                .env(
                        "OPENCLAW_PAIRING_CODE_HMAC_KEY",
                        java.util.Base64.getEncoder().encodeToString(hmac))
                .build();
    }

    @Test
    void audit() throws Exception {
        if (!selected("audit")) {
            return;
        }
        PlatformUnderTest platform = PlatformUnderTest.shared();
        BenchReport report = new BenchReport("audit");
        AuditBench bench = new AuditBench(platform.broker.bootstrapServers(), platform.audit.baseUrl());
        LoadResult[] ingest = bench.ingest(Integer.getInteger("bench.audit.events", 50_000));
        report.add(ingest[0]);
        report.add(ingest[1], ingest[0]);
        report.add(bench.alertLatency(2_000, MEASURE));
        resources(report, platform);
        report.write(OUT);
    }

    /** docs/benchmarks.md: how the figures are made, then every group's latest table and chart. */
    @org.junit.jupiter.api.AfterAll
    static void writeSummary() throws java.io.IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n")
                .append(
                        "Written by `./platform bench` (the `bench` profile of the e2e module) against the four packaged\n")
                .append("services run as processes with the real broker, PostgreSQL and Redis on this machine. Each\n")
                .append(
                        "scenario is a closed loop of N workers after a warm-up, latencies in an HDR histogram, and is\n")
                .append(
                        "reported beside a limit measured in the same run (the RS256 signing ceiling for grants, a no-op\n")
                .append("endpoint of the same service for the others) as a ratio, because the machine is shared and\n")
                .append(
                        "absolute figures move from run to run. Machine-readable results: `docs/benchmarks/<group>.json`.\n\n")
                .append(
                        "Everything shares the same two cores: the load generator, the four services, the broker, PostgreSQL\n")
                .append(
                        "and Redis. Every request here also causes work after its answer (outbox relay, audit ingest with the\n")
                .append(
                        "hash chain, detection), which competes with the next request; the no-op and signing limits do not.\n\n");
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
    static LoadResult signingCeiling() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        PrivateKey key = generator.generateKeyPair().getPrivate();
        byte[] payload = new byte[300];
        return LoadGenerator.closedLoop(
                "RS256 signing ceiling (2 threads, in-process)", 2, WARM_UP, MEASURE, worker -> {
                    Signature signature = Signature.getInstance("SHA256withRSA");
                    return () -> {
                        signature.initSign(key);
                        signature.update(payload);
                        return signature.sign().length == 256;
                    };
                });
    }

    private static LoadResult get(String name, String url, int workers) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).GET().build();
        return LoadGenerator.closedLoop(
                name,
                workers,
                WARM_UP,
                MEASURE,
                worker -> () -> CLIENT.send(request, HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200);
    }

    private static int form(String url, Map<String, String> form) throws Exception {
        return formResponse(url, form).statusCode();
    }

    private static HttpResponse<String> formResponse(String url, Map<String, String> form) throws Exception {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&")
                .append(k)
                .append('=')
                .append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8)));
        return CLIENT.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
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
