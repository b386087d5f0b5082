package io.openclaw.events;

/** Result of the action an event records. */
public enum Outcome {
    SUCCESS,
    FAILURE,
    UNKNOWN;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Outcome fromWire(String value) {
        return value == null ? UNKNOWN : valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }
}
