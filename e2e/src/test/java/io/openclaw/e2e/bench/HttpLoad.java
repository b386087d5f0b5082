package io.openclaw.e2e.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Recorder;

/**
 * A closed loop over N HTTP/1.1 keep-alive connections, each with exactly one request in flight: what "N
 * concurrent connections" means. The client is non-blocking on a single event-loop thread, so that on a
 * two-core machine the load generator takes as little as possible of the CPU the service under test needs
 * (a thread-per-request client costs more per request than the no-op endpoint it measures).
 */
public final class HttpLoad {

    /** One request: method, path (with query), headers and an optional body. */
    public record Request(HttpMethod method, String path, Map<String, String> headers, String body) {

        public static Request get(String path, Map<String, String> headers) {
            return new Request(HttpMethod.GET, path, headers, null);
        }

        public static Request post(String path, Map<String, String> headers, String body) {
            return new Request(HttpMethod.POST, path, headers, body);
        }
    }

    /**
     * What one connection sends and how it judges the answers. Called on the load generator's event loop
     * only, so a connection may keep plain state (the refresh token its next request presents).
     */
    public interface Connection {
        /** The next request, or null when this connection has nothing left to send. */
        Request next();

        boolean succeeded(int status, Buffer body);
    }

    @FunctionalInterface
    public interface ConnectionFactory {
        Connection create(int index) throws Exception;
    }

    private static final Duration ROUND = Duration.ofSeconds(5);
    private static final Duration MAX_WARM_UP = Duration.ofSeconds(Long.getLong("bench.max-warmup", 120));
    private static final double STEADY = 0.05;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private HttpLoad() {}

    /** A closed loop warmed up until its throughput is steady (see {@link #warmUp}). */
    public static LoadResult closedLoop(
            String scenario,
            String baseUrl,
            int connections,
            Duration warmUp,
            Duration measure,
            ConnectionFactory factory)
            throws Exception {
        return closedLoop(scenario, baseUrl, connections, warmUp, true, measure, factory);
    }

    /**
     * A closed loop; {@code untilSteady} false warms up for exactly {@code warmUp}, for scenarios that spend
     * something finite (codes issued beforehand) which a longer warm-up would use up.
     */
    public static LoadResult closedLoop(
            String scenario,
            String baseUrl,
            int connections,
            Duration warmUp,
            boolean untilSteady,
            Duration measure,
            ConnectionFactory factory)
            throws Exception {
        return load(
                scenario,
                "closed, HTTP/1.1",
                baseUrl,
                connections,
                factory,
                (vertx, client, loops) ->
                        (duration, recorder, ok, errors) -> run(vertx, client, loops, duration, recorder, ok, errors),
                phase -> {
                    if (untilSteady) {
                        warmUp(phase, warmUp);
                    } else {
                        phase.run(warmUp, new Recorder(3), new AtomicLong(), new AtomicLong());
                    }
                },
                measure);
    }

    /**
     * An open loop: requests start at a fixed rate whatever the answers do, and each latency is measured from
     * the moment its request was due, so a slow answer is not hidden by the requests that were not sent
     * meanwhile (no coordinated omission). Up to {@code chains} requests are in flight, each chain (a {@link
     * Connection}) with one at a time; a request due while every chain is busy counts as an error.
     */
    public static LoadResult openLoop(
            String scenario,
            String baseUrl,
            int ratePerSecond,
            int chains,
            Duration warmUp,
            Duration measure,
            ConnectionFactory factory)
            throws Exception {
        return load(
                scenario,
                "open @" + ratePerSecond + "/s, HTTP/1.1",
                baseUrl,
                chains,
                factory,
                (vertx, client, loops) -> (duration, recorder, ok, errors) ->
                        paced(vertx, client, loops, ratePerSecond, duration, recorder, ok, errors),
                phase -> phase.run(warmUp, new Recorder(3), new AtomicLong(), new AtomicLong()),
                measure);
    }

    /** Runs the load for a duration, recording into the recorder and counters; returns the time it took. */
    @FunctionalInterface
    private interface Phase {
        Duration run(Duration duration, Recorder recorder, AtomicLong ok, AtomicLong errors)
                throws InterruptedException;
    }

    /** How a scenario drives its connections through one client. */
    @FunctionalInterface
    private interface Driver {
        Phase over(Vertx vertx, HttpClient client, List<Connection> loops);
    }

    @FunctionalInterface
    private interface WarmUp {
        void run(Phase phase) throws InterruptedException;
    }

    /** A scenario on a client of its own (one event loop): warm-up, then the measured phase. */
    private static LoadResult load(
            String scenario,
            String mode,
            String baseUrl,
            int connections,
            ConnectionFactory factory,
            Driver driver,
            WarmUp warmUp,
            Duration measure)
            throws Exception {
        List<Connection> loops = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            loops.add(factory.create(i));
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        HttpClient client = vertx.createHttpClient(options(URI.create(baseUrl), connections));
        try {
            Phase phase = driver.over(vertx, client, loops);
            warmUp.run(phase);
            Recorder recorder = new Recorder(3);
            AtomicLong ok = new AtomicLong();
            AtomicLong errors = new AtomicLong();
            Duration elapsed = phase.run(measure, recorder, ok, errors);
            return LoadResult.of(
                    scenario, mode, connections, elapsed, ok.get(), errors.get(), recorder.getIntervalHistogram());
        } finally {
            client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static Duration paced(
            Vertx vertx,
            HttpClient client,
            List<Connection> loops,
            int rate,
            Duration duration,
            Recorder recorder,
            AtomicLong ok,
            AtomicLong errors)
            throws InterruptedException {
        long begin = System.nanoTime();
        long end = begin + duration.toNanos();
        long interval = 1_000_000_000L / rate;
        CountDownLatch done = new CountDownLatch(1);
        // touched on the event loop only
        ArrayDeque<Connection> idle = new ArrayDeque<>(loops);
        long[] sent = {0};
        vertx.setPeriodic(1, timer -> {
            long now = System.nanoTime();
            for (long due = Math.min(now, end); begin + sent[0] * interval <= due; sent[0]++) {
                long intended = begin + sent[0] * interval;
                Connection loop = idle.poll();
                Request request = loop == null ? null : next(loop);
                if (request == null) {
                    errors.incrementAndGet();
                    if (loop != null) {
                        idle.add(loop);
                    }
                    continue;
                }
                exchange(client, request, loop).onComplete(result -> {
                    recorder.recordValue(Math.max(1, (System.nanoTime() - intended) / 1_000));
                    (Boolean.TRUE.equals(result.result()) ? ok : errors).incrementAndGet();
                    idle.add(loop);
                    if (System.nanoTime() >= end && idle.size() == loops.size()) {
                        done.countDown();
                    }
                });
            }
            if (now >= end) {
                vertx.cancelTimer(timer);
                if (idle.size() == loops.size()) {
                    done.countDown();
                }
            }
        });
        if (!done.await(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("requests still unanswered 60 s after the end of the run");
        }
        return Duration.ofNanos(Math.max(System.nanoTime(), end) - begin);
    }

    private static Future<Boolean> exchange(HttpClient client, Request request, Connection loop) {
        // a connection or an answer that never comes counts as an error instead of stalling the run (the
        // connect timeout also bounds the wait for a connection from the pool)
        RequestOptions options = new RequestOptions()
                .setMethod(request.method())
                .setURI(request.path())
                .setConnectTimeout(REQUEST_TIMEOUT.toMillis())
                .setIdleTimeout(REQUEST_TIMEOUT.toMillis());
        request.headers().forEach(options::putHeader);
        return client.request(options)
                .compose(http -> request.body() == null ? http.send() : http.send(request.body()))
                .compose(response -> response.body().map(body -> loop.succeeded(response.statusCode(), body)))
                .recover(failure -> Future.succeededFuture(false));
    }

    private static HttpClientOptions options(URI base, int connections) {
        return new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setDefaultHost(base.getHost())
                .setDefaultPort(base.getPort())
                .setKeepAlive(true)
                .setPipelining(false)
                .setMaxPoolSize(connections)
                .setMaxWaitQueueSize(connections);
    }

    /**
     * Runs the load for at least {@code minimum}, then in rounds of {@link #ROUND} until the last three rounds
     * lie within {@link #STEADY} of each other (at most {@link #MAX_WARM_UP}): on two cores the service's JIT
     * compiler competes with the load for a minute or more, and throughput creeps up while it works, so two
     * rounds that happen to agree are not yet a steady state.
     */
    private static void warmUp(Phase phase, Duration minimum) throws InterruptedException {
        long began = System.nanoTime();
        phase.run(minimum, new Recorder(3), new AtomicLong(), new AtomicLong());
        List<Double> rounds = new ArrayList<>();
        while (System.nanoTime() - began < MAX_WARM_UP.toNanos()) {
            AtomicLong ok = new AtomicLong();
            Duration elapsed = phase.run(ROUND, new Recorder(3), ok, new AtomicLong());
            rounds.add(ok.get() / (elapsed.toNanos() / 1e9));
            if (lastThreeAgree(rounds, STEADY)) {
                return;
            }
        }
    }

    /**
     * Whether the last three of these rates lie within {@code tolerance} of the lowest of them: the steady state
     * every warm-up of the benchmarks waits for.
     */
    static boolean lastThreeAgree(List<Double> rates, double tolerance) {
        if (rates.size() < 3) {
            return false;
        }
        List<Double> last = rates.subList(rates.size() - 3, rates.size());
        double low = last.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double high = last.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return high - low <= tolerance * low;
    }

    /** Runs every connection until the duration is over; returns the time until the last answer came. */
    private static Duration run(
            Vertx vertx,
            HttpClient client,
            List<Connection> loops,
            Duration duration,
            Recorder recorder,
            AtomicLong ok,
            AtomicLong errors)
            throws InterruptedException {
        long started = System.nanoTime();
        long end = started + duration.toNanos();
        CountDownLatch done = new CountDownLatch(loops.size());
        for (Connection loop : loops) {
            vertx.runOnContext(v -> send(vertx, client, loop, end, recorder, ok, errors, done));
        }
        LockSupport.parkNanos(duration.toNanos());
        if (!done.await(60, TimeUnit.SECONDS)) {
            // every request has a timeout, so this is a defect of the load generator, not a slow service: the
            // run is reported with the lost connections as errors rather than thrown away
            long lost = done.getCount();
            errors.addAndGet(lost);
            System.out.printf(
                    "[bench] warning: %d of %d connections never finished their last request%n", lost, loops.size());
            return duration;
        }
        // every request was started before the end: the last answers count in the elapsed time
        return Duration.ofNanos(Math.max(System.nanoTime(), end) - started);
    }

    private static Request next(Connection loop) {
        try {
            return loop.next();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void send(
            Vertx vertx,
            HttpClient client,
            Connection loop,
            long end,
            Recorder recorder,
            AtomicLong ok,
            AtomicLong errors,
            CountDownLatch done) {
        if (System.nanoTime() >= end) {
            done.countDown();
            return;
        }
        Request request = next(loop);
        if (request == null) {
            // this connection has nothing left to send (e.g. every issued code was redeemed)
            done.countDown();
            return;
        }
        long start = System.nanoTime();
        exchange(client, request, loop).onComplete(result -> {
            try {
                recorder.recordValue(Math.max(1, (System.nanoTime() - start) / 1_000));
                (Boolean.TRUE.equals(result.result()) ? ok : errors).incrementAndGet();
            } finally {
                // the next request from a fresh task: an exchange that completes at once (a refused
                // connection) must not recurse until the stack overflows and the connection is lost
                vertx.runOnContext(v -> send(vertx, client, loop, end, recorder, ok, errors, done));
            }
        });
    }
}
