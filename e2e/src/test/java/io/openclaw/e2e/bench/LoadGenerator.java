package io.openclaw.e2e.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Recorder;

/**
 * Drives one scenario that is not an HTTP loop (in-process signing, a multi-request journey): a warm-up, then a
 * measured closed loop of N workers, each starting its next operation when the previous one finished. HTTP
 * scenarios, closed and open loops, use {@link HttpLoad}.
 */
public final class LoadGenerator {

    /** One request of a scenario; returns whether it succeeded. Each worker gets its own instance. */
    @FunctionalInterface
    public interface Operation {
        boolean call() throws Exception;
    }

    /** Makes a fresh operation per worker, so scenarios with per-worker state (a refresh chain) stay simple. */
    @FunctionalInterface
    public interface OperationFactory {
        Operation create(int worker) throws Exception;
    }

    private LoadGenerator() {}

    public static LoadResult closedLoop(
            String scenario, int workers, Duration warmUp, Duration measure, OperationFactory factory)
            throws Exception {
        List<Operation> operations = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            operations.add(factory.create(i));
        }
        run(operations, warmUp, new Recorder(3), new AtomicLong(), new AtomicLong());
        Recorder recorder = new Recorder(3);
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long started = System.nanoTime();
        run(operations, measure, recorder, ok, errors);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        return LoadResult.of(
                scenario, "closed", workers, elapsed, ok.get(), errors.get(), recorder.getIntervalHistogram());
    }

    private static void run(
            List<Operation> operations, Duration duration, Recorder recorder, AtomicLong ok, AtomicLong errors)
            throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(operations.size());
        CountDownLatch done = new CountDownLatch(operations.size());
        for (Operation operation : operations) {
            pool.execute(() -> {
                try {
                    while (running.get()) {
                        long start = System.nanoTime();
                        boolean success = invoke(operation);
                        recorder.recordValue(Math.max(1, (System.nanoTime() - start) / 1_000));
                        (success ? ok : errors).incrementAndGet();
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        LockSupport.parkNanos(duration.toNanos());
        running.set(false);
        done.await(60, TimeUnit.SECONDS);
        pool.shutdownNow();
    }

    private static boolean invoke(Operation operation) {
        try {
            return operation.call();
        } catch (Exception e) {
            return false;
        }
    }
}
