package io.openclaw.token.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

    @Test
    void aLoneCallerGetsItsOwnResultFromABatchOfOne() {
        List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        GroupCommit<Integer, String> commit = new GroupCommit<>(1, 8, items -> {
            batches.add(List.copyOf(items));
            return items.stream().map(i -> "r" + i).toList();
        });

        assertThat(commit.submit(1)).isEqualTo("r1");
        assertThat(commit.submit(2)).isEqualTo("r2");
        assertThat(batches).containsExactly(List.of(1), List.of(2));
    }

    @Test
    void callersArrivingDuringAWriteShareTheNextOneAndEachGetsItsOwnResult() throws Exception {
        CountDownLatch firstWriteStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstWrite = new CountDownLatch(1);
        List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        GroupCommit<Integer, Integer> commit = new GroupCommit<>(1, 64, items -> {
            batches.add(List.copyOf(items));
            if (batches.size() == 1) {
                firstWriteStarted.countDown();
                await(releaseFirstWrite);
            }
            return items.stream().map(i -> i * 10).toList();
        });
        ExecutorService pool = Executors.newFixedThreadPool(11);
        try {
            Future<Integer> first = pool.submit(() -> commit.submit(0));
            assertThat(firstWriteStarted.await(10, TimeUnit.SECONDS)).isTrue();
            List<Future<Integer>> others = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                int item = i;
                others.add(pool.submit(() -> commit.submit(item)));
            }
            // all ten are queued behind the first write before it is released
            while (commit.queued() < 10) {
                Thread.onSpinWait();
            }
            releaseFirstWrite.countDown();

            assertThat(first.get(10, TimeUnit.SECONDS)).isZero();
            for (int i = 1; i <= 10; i++) {
                assertThat(others.get(i - 1).get(10, TimeUnit.SECONDS)).isEqualTo(i * 10);
            }
            assertThat(batches).hasSize(2);
            assertThat(batches.get(1)).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void withTwoWritersASecondWriteRunsWhileTheFirstIsUnderWay() throws Exception {
        CountDownLatch firstWriteStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstWrite = new CountDownLatch(1);
        GroupCommit<Integer, Integer> commit = new GroupCommit<>(2, 64, items -> {
            if (items.contains(0)) {
                firstWriteStarted.countDown();
                await(releaseFirstWrite);
            }
            return items;
        });
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> first = pool.submit(() -> commit.submit(0));
            assertThat(firstWriteStarted.await(10, TimeUnit.SECONDS)).isTrue();
            // answered while the first write still holds its turn
            assertThat(pool.submit(() -> commit.submit(1)).get(10, TimeUnit.SECONDS))
                    .isEqualTo(1);
            assertThat(first.isDone()).isFalse();
            releaseFirstWrite.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWriteThatThrowsAnErrorFailsItsCallersInsteadOfLeavingThemWaiting() {
        GroupCommit<String, String> commit = new GroupCommit<>(1, 8, items -> {
            throw new AssertionError("a driver's broken connection");
        });

        assertThatThrownBy(() -> commit.submit("a"))
                .isInstanceOf(IllegalStateException.class)
                .hasCauseInstanceOf(AssertionError.class);
    }

    @Test
    void aFailedWriteFailsEveryCallerOfItsBatchAndNoLaterOne() {
        GroupCommit<String, String> commit = new GroupCommit<>(1, 8, items -> {
            if (items.contains("bad")) {
                throw new StoreUnavailableException(new java.sql.SQLException("connection refused", "08001"));
            }
            return items;
        });

        assertThatThrownBy(() -> commit.submit("bad")).isInstanceOf(StoreUnavailableException.class);
        assertThat(commit.submit("good")).isEqualTo("good");
    }

    @Test
    void aWriteThatLosesResultsFailsInsteadOfHandingOutAnotherCallersResult() {
        GroupCommit<String, String> commit = new GroupCommit<>(1, 8, items -> List.of());

        assertThatThrownBy(() -> commit.submit("a"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("0 results for 1 items");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
