package io.openclaw.e2e.journey;

import static io.openclaw.e2e.journey.Journeys.audit;
import static io.openclaw.e2e.journey.Journeys.keys;
import static io.openclaw.e2e.journey.Journeys.onboard;
import static io.openclaw.e2e.journey.Journeys.pairing;
import static io.openclaw.e2e.journey.Journeys.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.openclaw.e2e.Http;
import io.openclaw.e2e.Http.Reply;
import io.openclaw.e2e.journey.Journeys.Owner;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventFields;
import io.openclaw.events.EventType;
import io.openclaw.events.Topics;
import io.openclaw.testing.EventTap;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Faults during load. Each ends with: every acknowledged operation has its audit record, exactly once,
 * every failed one got a clear answer (or none, when the process was gone), and the platform resumed
 * without an operator.
 */
class FaultsIT {

    @Test
    void theBrokerKilledWithSigkillDuringIssuanceLosesNoAcknowledgedEvent() throws Exception {
        Owner owner = onboard("Broker Fault Co");
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger unclear = new AtomicInteger();
        Http issuer = pairing().bearer(owner.accessToken());

        try (Load load = Load.start(2, worker -> {
            Reply reply = issuer.postJson(
                    "/v1/pairing-codes",
                    Map.of("scopes", List.of("data:read"), "label", "fault-" + worker + "-" + System.nanoTime()));
            if (reply.status() == 201) {
                acknowledged.add(reply.field("id"));
            } else if (reply.status() == 503) {
                refused.incrementAndGet();
            } else {
                unclear.incrementAndGet();
            }
        })) {
            load.awaitCompleted(20);
            Journeys.platform().broker.kill();
            load.awaitCompleted(40);
            Journeys.platform().broker.start();
            load.awaitCompleted(60);
        }

        assertThat(unclear.get()).as("answers other than 201 or 503").isZero();
        assertThat(acknowledged).hasSizeGreaterThan(40);
        Http auditor = audit().bearer(owner.accessToken());
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    List<String> subjects = subjects(auditor, "io.openclaw.pairing.code.issued");
                    assertThat(subjects).as("issued codes in the audit log").containsAll(acknowledged);
                    assertThat(subjects).as("each recorded once").doesNotHaveDuplicates();
                });
        // the consumers are back too (a group rejoins after the broker restart): a block_ip command is applied
        // and announced, as a brute-force response after the fault needs it
        String blocked = "198.51.100.99";
        try (EventTap tap = EventTap.open(Topics.PAIRING_EVENTS)) {
            EventTap.publish(CloudEvent.builder(EventType.COMMAND_BLOCK_IP)
                    .source("/audit-service")
                    .actor("svc:audit-service")
                    .subject(blocked)
                    .reason("fault_recovery_check")
                    .data(EventFields.IP, blocked)
                    .data(
                            EventFields.UNTIL,
                            Instant.now().plus(Duration.ofMinutes(5)).toString())
                    .build());
            tap.await(
                    e -> e.type().equals("io.openclaw.pairing.ip.blocked") && blocked.equals(e.subject()),
                    Duration.ofSeconds(120));
        }
        System.out.printf(
                "[faults] broker SIGKILL: %d codes acknowledged, %d refused with 503, all audited once%n",
                acknowledged.size(), refused.get());
    }

    @Test
    void tokenServiceKilledWithSigkillDuringRefreshesRestartsAndEveryAcknowledgedRefreshIsAudited() throws Exception {
        Owner owner = onboard("Service Fault Co");
        Set<String> acknowledgedJtis = ConcurrentHashMap.newKeySet();
        AtomicInteger failed = new AtomicInteger();

        try (Load load = Load.start(2, new Load.Step() {
            private final Map<Integer, String> chains = new ConcurrentHashMap<>();

            @Override
            public void run(int worker) {
                String refresh = chains.computeIfAbsent(worker, w -> pair(owner));
                if (refresh == null) {
                    failed.incrementAndGet();
                    return;
                }
                Reply reply;
                try {
                    reply = token().postForm(
                                    "/v1/oauth/token",
                                    Http.form("grant_type", "refresh_token", "refresh_token", refresh));
                } catch (UncheckedIOException connectionLost) {
                    // the answer was lost with the process: the rotation may or may not have happened
                    chains.remove(worker);
                    failed.incrementAndGet();
                    return;
                }
                if (reply.status() == 200) {
                    acknowledgedJtis.add(jti(reply.field("access_token")));
                    chains.put(worker, reply.field("refresh_token"));
                } else {
                    chains.remove(worker);
                    failed.incrementAndGet();
                }
            }
        })) {
            load.awaitCompleted(20);
            Journeys.platform().token.kill();
            Journeys.platform().token.start();
            load.awaitCompleted(load.completed() + 20);
        }

        assertThat(acknowledgedJtis).hasSizeGreaterThan(20);
        Http auditor = audit().bearer(owner.accessToken());
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    List<JsonNode> refreshed = events(auditor, "io.openclaw.token.refreshed");
                    List<String> jtis = refreshed.stream()
                            .map(e -> e.path("data").path("jti").asText())
                            .toList();
                    assertThat(jtis).as("refreshes in the audit log").containsAll(acknowledgedJtis);
                    assertThat(refreshed.stream()
                                    .map(e -> e.path("id").asText())
                                    .toList())
                            .doesNotHaveDuplicates();
                });
        System.out.printf(
                "[faults] token-service SIGKILL: %d refreshes acknowledged and audited, %d failed or lost with the process; restart took %d ms%n",
                acknowledgedJtis.size(),
                failed.get(),
                Journeys.platform().token.lastStartup().toMillis());
    }

    @Test
    void postgresStoppedForTenSecondsAnswers503ThenResumesWithNothingLostOrHalfWritten() throws Exception {
        Owner owner = onboard("Postgres Fault Co");
        Outcomes refreshes = new Outcomes();
        Outcomes keyCreations = new Outcomes();
        Http keyAdmin = keys().bearer(owner.accessToken());
        String firstRefresh = pair(owner);
        assertThat(firstRefresh).as("a paired device").isNotNull();

        try (Load load = Load.start(2, new Load.Step() {
            private String refresh = firstRefresh;

            @Override
            public void run(int worker) {
                switch (worker) {
                    case 0 -> {
                        // a refresh refused with 503 must leave the presented token usable: it is retried as is
                        Reply reply = token().postForm(
                                        "/v1/oauth/token",
                                        Http.form("grant_type", "refresh_token", "refresh_token", refresh));
                        refreshes.record(reply, () -> jti(reply.field("access_token")));
                        if (reply.status() == 200) {
                            refresh = reply.field("refresh_token");
                        }
                    }
                    default -> {
                        Reply reply = keyAdmin.postJson(
                                "/v1/keys",
                                Map.of(
                                        "name",
                                        "pg-fault-" + System.nanoTime(),
                                        "scopes",
                                        List.of("data:read"),
                                        "environment",
                                        "test"));
                        keyCreations.record(reply, () -> reply.field("id"));
                    }
                }
            }
        })) {
            load.awaitCompleted(30);
            outage(load, () -> Journeys.platform().postgres.stop(), () -> Journeys.platform()
                    .postgres
                    .start());
            int resumedFrom = refreshes.acknowledged.size() + keyCreations.acknowledged.size();
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> refreshes.acknowledged.size() + keyCreations.acknowledged.size() > resumedFrom + 10);
        }

        refreshes.assertOnlyClearAnswers("refresh");
        keyCreations.assertOnlyClearAnswers("key creation");
        assertThat(refreshes.refused.get() + keyCreations.refused.get())
                .as("management calls refused while PostgreSQL was down")
                .isPositive();
        Http auditor = audit().bearer(owner.accessToken());
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    assertThat(jtis(auditor))
                            .as("acknowledged refreshes in the audit log")
                            .containsAll(refreshes.acknowledged);
                    assertThat(subjects(auditor, "io.openclaw.key.created"))
                            .as("acknowledged key creations in the audit log, once each")
                            .containsAll(keyCreations.acknowledged)
                            .doesNotHaveDuplicates();
                });
        System.out.printf(
                "[faults] PostgreSQL stopped 10 s: %d refreshes and %d key creations acknowledged and audited, "
                        + "%d refused with 503 and retried%n",
                refreshes.acknowledged.size(),
                keyCreations.acknowledged.size(),
                refreshes.refused.get() + keyCreations.refused.get());
    }

    @Test
    void redisStoppedForTenSecondsAnswers503ThenResumesAndKeepsWhatItAcknowledged() throws Exception {
        Owner owner = onboard("Redis Fault Co");
        Http issuer = pairing().bearer(owner.accessToken());
        Reply before = issuer.postJson("/v1/pairing-codes", Map.of("scopes", List.of("data:read"), "label", "kept"));
        assertThat(before.status()).isEqualTo(201);
        Outcomes issuance = new Outcomes();

        try (Load load = Load.start(2, worker -> {
            Reply reply = issuer.postJson(
                    "/v1/pairing-codes",
                    Map.of("scopes", List.of("data:read"), "label", "redis-fault-" + worker + "-" + System.nanoTime()));
            issuance.record(reply, () -> reply.field("id"));
        })) {
            load.awaitCompleted(20);
            outage(load, () -> Journeys.platform().redis.stop(), () -> Journeys.platform()
                    .redis
                    .start());
            int resumedFrom = issuance.acknowledged.size();
            await().atMost(Duration.ofSeconds(120)).until(() -> issuance.acknowledged.size() > resumedFrom + 10);
        }

        issuance.assertOnlyClearAnswers("code issuance");
        assertThat(issuance.refused.get())
                .as("issuance refused while Redis was down")
                .isPositive();
        Reply paired = token().postJson(
                        "/v1/auth/pair", Map.of("pairing_code", before.field("code"), "device_name", "after outage"));
        assertThat(paired.status())
                .as("a code acknowledged before the outage is still redeemable: %s", paired)
                .isEqualTo(200);
        Http auditor = audit().bearer(owner.accessToken());
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(subjects(auditor, "io.openclaw.pairing.code.issued"))
                        .as("acknowledged codes in the audit log, once each")
                        .containsAll(issuance.acknowledged)
                        .doesNotHaveDuplicates());
        System.out.printf(
                "[faults] Redis stopped 10 s: %d codes acknowledged and audited once, %d refused with 503%n",
                issuance.acknowledged.size(), issuance.refused.get());
    }

    @Test
    void pairingServiceKilledWithSigkillDuringIssuanceRestartsAndEveryAcknowledgedCodeIsAudited() throws Exception {
        Owner owner = onboard("Pairing Kill Co");
        Http issuer = pairing().bearer(owner.accessToken());
        killDuringLoad(
                owner,
                Journeys.platform().pairing,
                "io.openclaw.pairing.code.issued",
                worker -> issuer.postJson(
                        "/v1/pairing-codes",
                        Map.of("scopes", List.of("data:read"), "label", "kill-" + worker + "-" + System.nanoTime())));
    }

    @Test
    void keyRotationServiceKilledWithSigkillDuringKeyCreationRestartsAndEveryAcknowledgedKeyIsAudited()
            throws Exception {
        Owner owner = onboard("Keys Kill Co");
        Http keyAdmin = keys().bearer(owner.accessToken());
        killDuringLoad(
                owner,
                Journeys.platform().keys,
                "io.openclaw.key.created",
                worker -> keyAdmin.postJson(
                        "/v1/keys",
                        Map.of(
                                "name",
                                "kill-" + System.nanoTime(),
                                "scopes",
                                List.of("data:read"),
                                "environment",
                                "test")));
    }

    /**
     * Runs creations against a service, kills it with SIGKILL, restarts it, and checks that every creation it
     * acknowledged (by the created resource's id) is in the audit log exactly once.
     */
    private static void killDuringLoad(
            Owner owner,
            io.openclaw.testing.QuarkusAppProcess service,
            String eventType,
            java.util.function.IntFunction<Reply> create)
            throws Exception {
        Outcomes creations = new Outcomes();
        try (Load load = Load.start(2, worker -> {
            Reply reply = create.apply(worker);
            creations.record(reply, () -> reply.field("id"));
        })) {
            load.awaitCompleted(30);
            service.kill();
            service.start();
            int resumedFrom = creations.acknowledged.size();
            await().atMost(Duration.ofSeconds(120)).until(() -> creations.acknowledged.size() > resumedFrom + 10);
        }
        Http auditor = audit().bearer(owner.accessToken());
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(subjects(auditor, eventType))
                        .containsAll(creations.acknowledged)
                        .doesNotHaveDuplicates());
        System.out.printf(
                "[faults] %s SIGKILL: %d acknowledged creations audited once; restart took %d ms%n",
                service, creations.acknowledged.size(), service.lastStartup().toMillis());
    }

    @Test
    void auditServiceKilledWithSigkillDuringLoadStoresEveryEventOnceAndTheChainHolds() throws Exception {
        Owner owner = onboard("Audit Kill Co");
        Http issuer = pairing().bearer(owner.accessToken());
        Outcomes issuance = new Outcomes();
        try (Load load = Load.start(2, worker -> {
            Reply reply = issuer.postJson(
                    "/v1/pairing-codes",
                    Map.of("scopes", List.of("data:read"), "label", "audit-kill-" + worker + "-" + System.nanoTime()));
            issuance.record(reply, () -> reply.field("id"));
        })) {
            load.awaitCompleted(30);
            Journeys.platform().audit.kill();
            load.awaitCompleted(load.completed() + 30);
            Journeys.platform().audit.start();
            load.awaitCompleted(load.completed() + 30);
        }
        issuance.assertOnlyClearAnswers("code issuance while audit-service was down");
        assertThat(issuance.refused.get())
                .as("issuance does not depend on audit-service")
                .isZero();
        Http auditor = audit().bearer(owner.accessToken());
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(subjects(auditor, "io.openclaw.pairing.code.issued"))
                        .containsAll(issuance.acknowledged)
                        .doesNotHaveDuplicates());
        Reply integrity = audit().bearer(Journeys.adminToken()).get("/v1/audit/integrity");
        assertThat(integrity.status()).as("integrity: %s", integrity).isEqualTo(200);
        assertThat(integrity.field("status")).as("integrity: %s", integrity).isEqualTo("intact");
        System.out.printf(
                "[faults] audit-service SIGKILL: %d codes issued meanwhile, all stored once, chain intact; restart took %d ms%n",
                issuance.acknowledged.size(),
                Journeys.platform().audit.lastStartup().toMillis());
    }

    /**
     * Stops a store for ten seconds of load (the clock decides, with requests still flowing), starts it
     * again and waits until the load made progress after the restart.
     */
    private static void outage(Load load, Runnable stop, Runnable start) {
        java.time.Instant until = java.time.Instant.now().plus(Duration.ofSeconds(10));
        stop.run();
        int during = load.completed();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> java.time.Instant.now().isAfter(until) && load.completed() > during);
        start.run();
    }

    /** Answers of one kind of request under a fault: acknowledged (2xx), refused clearly (503) or anything else. */
    private static final class Outcomes {
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        final AtomicInteger refused = new AtomicInteger();
        final AtomicInteger total = new AtomicInteger();
        final List<String> unclear = java.util.Collections.synchronizedList(new ArrayList<>());

        void record(Reply reply, java.util.function.Supplier<String> identity) {
            total.incrementAndGet();
            if (reply.status() >= 200 && reply.status() < 300) {
                acknowledged.add(identity.get());
            } else if (reply.status() == 503) {
                refused.incrementAndGet();
                if (reply.header("Retry-After") == null) {
                    unclear.add("503 without Retry-After: " + reply.text());
                }
            } else {
                unclear.add(reply.status() + " " + reply.text());
            }
        }

        void assertOnlyClearAnswers(String what) {
            assertThat(unclear).as("%s answers other than 2xx or 503", what).isEmpty();
            assertThat(acknowledged).as("%s acknowledged", what).isNotEmpty();
        }
    }

    private static List<String> jtis(Http auditor) {
        return events(auditor, "io.openclaw.token.refreshed").stream()
                .map(e -> e.path("data").path("jti").asText())
                .toList();
    }

    private static String pair(Owner owner) {
        try {
            Reply code = pairing()
                    .bearer(owner.accessToken())
                    .postJson(
                            "/v1/pairing-codes",
                            Map.of("scopes", List.of("data:read"), "label", "fault-" + System.nanoTime()));
            if (code.status() != 201) {
                return null;
            }
            Reply paired = token().postJson(
                            "/v1/auth/pair", Map.of("pairing_code", code.field("code"), "device_name", "fault"));
            return paired.status() == 200 ? paired.field("refresh_token") : null;
        } catch (UncheckedIOException connectionLost) {
            return null;
        }
    }

    private static String jti(String jwt) {
        try {
            String payload = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
            return Http.JSON.readTree(payload).get("jti").asText();
        } catch (Exception e) {
            throw new IllegalStateException("not a JWT", e);
        }
    }

    private static List<String> subjects(Http auditor, String type) {
        return events(auditor, type).stream()
                .map(e -> e.path("subject").asText())
                .toList();
    }

    private static List<JsonNode> events(Http auditor, String type) {
        List<JsonNode> events = new ArrayList<>();
        String cursor = null;
        do {
            Reply page = auditor.get(
                    "/v1/audit/events?limit=500&type=" + type + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as("audit events: %s", page).isEqualTo(200);
            page.json().get("items").forEach(events::add);
            cursor = page.field("next_cursor");
        } while (cursor != null);
        return events;
    }

    /** Workers repeating a step until closed; counts completed steps so a test can act after some of them. */
    static final class Load implements AutoCloseable {

        interface Step {
            void run(int worker) throws Exception;
        }

        private final ExecutorService pool;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger completed = new AtomicInteger();
        private final CountDownLatch stopped;

        private Load(int workers, Step step) {
            pool = Executors.newFixedThreadPool(workers);
            stopped = new CountDownLatch(workers);
            for (int w = 0; w < workers; w++) {
                int worker = w;
                pool.execute(() -> {
                    try {
                        while (running.get()) {
                            try {
                                step.run(worker);
                            } catch (Exception e) {
                                // a lost connection during a fault is an outcome the step already counted or ignores
                            }
                            completed.incrementAndGet();
                        }
                    } finally {
                        stopped.countDown();
                    }
                });
            }
        }

        static Load start(int workers, Step step) {
            return new Load(workers, step);
        }

        int completed() {
            return completed.get();
        }

        void awaitCompleted(int steps) {
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> completed.get() >= steps);
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            stopped.await(60, TimeUnit.SECONDS);
            pool.shutdownNow();
        }
    }
}
