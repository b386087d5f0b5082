package io.openclaw.e2e.journey;

import static io.openclaw.e2e.journey.Journeys.audit;
import static io.openclaw.e2e.journey.Journeys.onboard;
import static io.openclaw.e2e.journey.Journeys.pairing;
import static io.openclaw.e2e.journey.Journeys.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.openclaw.e2e.Http;
import io.openclaw.e2e.Http.Reply;
import io.openclaw.e2e.journey.Journeys.Owner;
import java.io.UncheckedIOException;
import java.time.Duration;
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
