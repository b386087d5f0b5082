package io.openclaw.events;

/**
 * The W3C {@code traceparent} of the span the current thread is in, for {@link CloudEvent.Builder#traceparent}.
 * Null when OpenTelemetry is not on the class path or there is no valid span, so events never depend on
 * tracing being enabled.
 */
public final class TraceContext {

    private static final boolean AVAILABLE = available();

    private TraceContext() {}

    public static String currentTraceparent() {
        if (!AVAILABLE) {
            return null;
        }
        io.opentelemetry.api.trace.SpanContext context =
                io.opentelemetry.api.trace.Span.current().getSpanContext();
        if (!context.isValid()) {
            return null;
        }
        return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-"
                + context.getTraceFlags().asHex();
    }

    private static boolean available() {
        try {
            Class.forName("io.opentelemetry.api.trace.Span", false, TraceContext.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
