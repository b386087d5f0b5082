package io.openclaw.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.openclaw.e2e.bench.HttpLoad.Request;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP load generator against a local server that counts what it receives. */
class HttpLoadTest {

    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();
    private Vertx vertx;
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer()
                .connectionHandler(connection -> connections.incrementAndGet())
                .requestHandler(request -> {
                    long n = requests.incrementAndGet();
                    // every fourth request fails
                    request.response().setStatusCode(n % 4 == 0 ? 500 : 200).end("n=" + n);
                })
                .listen(0)
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aClosedLoopKeepsExactlyItsConnectionsAndCountsEveryAnswer() throws Exception {
        Request get = Request.get("/", Map.of());

        LoadResult result = HttpLoad.closedLoop(
                "every fourth fails",
                "http://127.0.0.1:" + server.actualPort(),
                4,
                Duration.ofMillis(100),
                false,
                Duration.ofMillis(500),
                i -> fixedStatus(get));

        assertThat(connections.get()).isEqualTo(4);
        assertThat(result.unit()).isEqualTo("connections");
        assertThat(result.ok()).isPositive();
        assertThat((double) result.errors() / (result.ok() + result.errors())).isBetween(0.2, 0.3);
        // the measured requests are the server's requests after the warm-up
        assertThat(result.ok() + result.errors()).isLessThanOrEqualTo(requests.get());
    }

    @Test
    void aConnectionWithNothingLeftToSendEndsItsLoop() throws Exception {
        AtomicInteger budget = new AtomicInteger(10);
        Request get = Request.get("/", Map.of());

        LoadResult result = HttpLoad.closedLoop(
                "ten requests",
                "http://127.0.0.1:" + server.actualPort(),
                2,
                Duration.ZERO,
                false,
                Duration.ofSeconds(2),
                i -> new HttpLoad.Connection() {
                    @Override
                    public Request next() {
                        return budget.getAndDecrement() > 0 ? get : null;
                    }

                    @Override
                    public boolean succeeded(int status, Buffer body) {
                        return true;
                    }
                });

        assertThat(requests.get()).isEqualTo(10);
        assertThat(result.ok()).isEqualTo(10);
    }

    @Test
    void anOpenLoopSendsTheRequestedRate() throws Exception {
        Request get = Request.get("/", Map.of());

        LoadResult result = HttpLoad.openLoop(
                "paced",
                "http://127.0.0.1:" + server.actualPort(),
                200,
                8,
                Duration.ofMillis(100),
                Duration.ofMillis(500),
                i -> fixedStatus(get));

        // 200/s for 0.5 s, whatever the answers: one request per 5 ms from the start
        assertThat(result.ok() + result.errors()).isBetween(100L, 101L);
        assertThat(result.mode()).startsWith("open @200/s");
    }

    private static HttpLoad.Connection fixedStatus(Request request) {
        return new HttpLoad.Connection() {
            @Override
            public Request next() {
                return request;
            }

            @Override
            public boolean succeeded(int status, Buffer body) {
                return status == 200;
            }
        };
    }

    @Test
    void aWarmUpIsSteadyOnlyWhenItsLastThreeRatesAgree() {
        assertThat(HttpLoad.lastThreeAgree(java.util.List.of(100.0, 104.0), 0.05))
                .isFalse();
        // an early outlier is forgotten once three later rates agree
        assertThat(HttpLoad.lastThreeAgree(java.util.List.of(40.0, 100.0, 104.0, 102.0), 0.05))
                .isTrue();
        // still creeping up: each step within the tolerance, the three together not
        assertThat(HttpLoad.lastThreeAgree(java.util.List.of(100.0, 104.0, 108.0), 0.05))
                .isFalse();
        assertThat(HttpLoad.lastThreeAgree(java.util.List.of(100.0, 104.0, 108.0), 0.1))
                .isTrue();
    }
}
