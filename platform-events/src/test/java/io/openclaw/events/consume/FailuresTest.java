package io.openclaw.events.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.DateTimeException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void aStatementTheDatabaseRefusesForItsValuesIsPermanent() {
        assertThat(Failures.isPermanent(wrapped(new SQLException("invalid byte sequence", "22021"))))
                .isTrue();
        assertThat(Failures.isPermanent(wrapped(new SQLException("value too long", "22001"))))
                .isTrue();
        assertThat(Failures.isPermanent(wrapped(new SQLException("check violation", "23514"))))
                .isTrue();
        assertThat(Failures.isPermanent(wrapped(new SQLException("undefined column", "42703"))))
                .isTrue();
    }

    @Test
    void aDatabaseThatCannotBeReachedOrAContendedRowIsTransient() {
        assertThat(Failures.isPermanent(wrapped(new SQLException("connection refused", "08001"))))
                .isFalse();
        assertThat(Failures.isPermanent(wrapped(new SQLException("deadlock detected", "40P01"))))
                .isFalse();
        assertThat(Failures.isPermanent(wrapped(new SQLException("too many connections", "53300"))))
                .isFalse();
        assertThat(Failures.isPermanent(wrapped(new SQLException("admin shutdown", "57P01"))))
                .isFalse();
        assertThat(Failures.isPermanent(wrapped(new SQLTransientConnectionException("acquisition timeout"))))
                .isFalse();
        assertThat(Failures.isPermanent(wrapped(new SQLException("no state")))).isFalse();
    }

    @Test
    void theNetworkAndTimeoutsAreTransientEvenWhenABugTypeWrapsThem() {
        assertThat(Failures.isPermanent(new UncheckedIOException(new ConnectException("Connection refused"))))
                .isFalse();
        assertThat(Failures.isPermanent(new IllegalStateException(new TimeoutException("redis"))))
                .isFalse();
        assertThat(Failures.isPermanent(new IllegalArgumentException("send failed", new ConnectException("down"))))
                .isFalse();
    }

    @Test
    void aBugInTheHandlerIsPermanentWhereverItSitsInTheChain() {
        assertThat(Failures.isPermanent(new IllegalArgumentException("bad id"))).isTrue();
        assertThat(Failures.isPermanent(new NumberFormatException("x"))).isTrue();
        assertThat(Failures.isPermanent(new NullPointerException())).isTrue();
        assertThat(Failures.isPermanent(new RuntimeException(new DateTimeException("bad instant"))))
                .isTrue();
    }

    @Test
    void anUnknownFailureIsRetriedRatherThanGivenUpOn() {
        assertThat(Failures.isPermanent(new RuntimeException("something"))).isFalse();
        assertThat(Failures.isPermanent(new IllegalStateException("store unavailable")))
                .isFalse();
    }

    @Test
    void theDescriptionNamesTheClassesAndTheSqlStateButNotTheMessages() {
        String text = Failures.describe(wrapped(new SQLException("value 'sk_live_secret' too long", "22001")));

        assertThat(text)
                .isEqualTo("java.lang.IllegalStateException <- java.sql.SQLException [SQLSTATE 22001]")
                .doesNotContain("sk_live_secret");
    }

    private static RuntimeException wrapped(SQLException cause) {
        return new IllegalStateException("could not apply", cause);
    }
}
