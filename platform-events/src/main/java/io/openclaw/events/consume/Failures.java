package io.openclaw.events.consume;

import java.io.IOException;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Which failures of an event handler would fail again however often the event is retried. A store that is
 * down, a timeout or a deadlock passes; a value the database refuses, a broken invariant or a bug in the
 * handler does not. Everything not known to be permanent counts as transient: an event is only ever given up
 * on for a reason that cannot go away by waiting.
 */
public final class Failures {

    /**
     * SQLSTATE classes of statements that fail the same way every time: data exception (22), integrity
     * constraint violation (23), invalid transaction state (25), syntax error or access rule violation (42).
     */
    private static final Set<String> PERMANENT_SQL_CLASSES = Set.of("22", "23", "25", "42");

    private Failures() {}

    /** Whether retrying the same event could not succeed. */
    public static boolean isPermanent(Throwable failure) {
        List<Throwable> chain = chain(failure);
        for (Throwable cause : chain) {
            if (cause instanceof SQLException sql) {
                // the database's own verdict on the statement decides; a dropped connection (08) is transient
                String state = sql.getSQLState();
                return state != null && state.length() >= 2 && PERMANENT_SQL_CLASSES.contains(state.substring(0, 2));
            }
        }
        if (chain.stream().anyMatch(cause -> cause instanceof IOException || cause instanceof TimeoutException)) {
            return false;
        }
        return chain.stream().anyMatch(Failures::isBug);
    }

    /** Exceptions the same input raises every time: a value out of range, a broken assumption in the code. */
    private static boolean isBug(Throwable cause) {
        return cause instanceof IllegalArgumentException // includes NumberFormatException
                || cause instanceof NullPointerException
                || cause instanceof ClassCastException
                || cause instanceof IndexOutOfBoundsException
                || cause instanceof ArithmeticException
                || cause instanceof DateTimeException
                || cause instanceof UnsupportedOperationException;
    }

    /**
     * The failure's class and its causes' classes, with the SQLSTATE of a database error: enough to tell what
     * went wrong, without a message that could quote the event's values.
     */
    public static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause : chain(failure)) {
            if (!text.isEmpty()) {
                text.append(" <- ");
            }
            text.append(cause.getClass().getName());
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                text.append(" [SQLSTATE ").append(sql.getSQLState()).append(']');
            }
        }
        return text.toString();
    }

    /** The failure and its causes, outermost first, each once. */
    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable cause = failure; cause != null && !chain.contains(cause); cause = cause.getCause()) {
            chain.add(cause);
        }
        return chain;
    }
}
