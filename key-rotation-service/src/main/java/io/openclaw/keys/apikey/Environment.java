package io.openclaw.keys.apikey;

import java.util.Locale;

/** Where a key may be used; part of the key's visible prefix. */
public enum Environment {
    LIVE(ApiKeyFormat.LIVE_PREFIX),
    TEST(ApiKeyFormat.TEST_PREFIX);

    private final String prefix;

    Environment(String prefix) {
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Environment fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
