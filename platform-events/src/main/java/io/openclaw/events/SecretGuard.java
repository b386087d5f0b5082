package io.openclaw.events;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Keeps credentials out of events. A field named like a secret ({@code code}, {@code key}, {@code token},
 * {@code secret}, {@code password} and their compounds such as {@code refresh_token}) is refused, and so is
 * any value shaped like one of our credentials (API key, refresh token, JWT). Ids are fine: {@code key_id},
 * {@code jti}, {@code pc_…}.
 */
public final class SecretGuard {

    private static final Set<String> FORBIDDEN_NAMES = Set.of(
            "code",
            "key",
            "token",
            "secret",
            "password",
            "passwd",
            "pairing_code",
            "user_code",
            "device_code",
            "access_token",
            "refresh_token",
            "id_token",
            "api_key",
            "apikey",
            "client_secret",
            "private_key",
            "authorization",
            "credential",
            "credentials");

    private static final List<String> FORBIDDEN_SUFFIXES =
            List.of("_secret", "_password", "_token", "_code", "_apikey");

    /** Anywhere in a value: an API key, a refresh token or a JWT (header and payload). */
    private static final Pattern CREDENTIAL_VALUE = Pattern.compile(
            "ock_(live|test)_[0-9A-Za-z]{20,}|ocr_[0-9A-Za-z_-]{20,}|eyJ[0-9A-Za-z_-]{5,}\\.eyJ[0-9A-Za-z_-]{5,}");

    /**
     * Verdicts on field names already seen. Events use a small fixed set of names, checked on every event;
     * the bound keeps names from nested user data from growing it without limit.
     */
    private static final Map<String, Boolean> NAMES = new ConcurrentHashMap<>();

    private static final int MAX_NAMES = 4096;

    private SecretGuard() {}

    /** Whether a field name is one that must never appear in an event. */
    public static boolean isSecretName(String field) {
        Boolean known = NAMES.get(field);
        if (known != null) {
            return known;
        }
        String name = field.toLowerCase(Locale.ROOT).replace('-', '_');
        boolean secret =
                FORBIDDEN_NAMES.contains(name) || FORBIDDEN_SUFFIXES.stream().anyMatch(name::endsWith);
        if (NAMES.size() < MAX_NAMES) {
            NAMES.put(field, secret);
        }
        return secret;
    }

    /** Whether a string value is shaped like one of the platform's credentials. */
    public static boolean looksLikeCredential(String value) {
        // the regular expression only where one of the three prefixes occurs at all
        return value != null
                && value.length() >= 20
                && (value.contains("ock_") || value.contains("ocr_") || value.contains("eyJ"))
                && CREDENTIAL_VALUE.matcher(value).find();
    }

    static void checkField(String field, Object value) {
        if (field == null || field.isBlank()) {
            throw new IllegalArgumentException("event field names must not be blank");
        }
        if (isSecretName(field)) {
            throw new SecretInEventException("field '" + field + "' looks like a secret and is not allowed in events");
        }
        checkValue(field, value);
    }

    static void checkData(Map<String, ?> data) {
        data.forEach(SecretGuard::checkField);
    }

    private static void checkValue(String field, Object value) {
        if (value instanceof String s && looksLikeCredential(s)) {
            throw new SecretInEventException("field '" + field + "' carries a credential-shaped value");
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> checkField(String.valueOf(k), v));
        } else if (value instanceof Collection<?> items) {
            items.forEach(item -> checkValue(field, item));
        }
    }

    /** Thrown when an event would carry a secret. */
    public static final class SecretInEventException extends IllegalArgumentException {
        public SecretInEventException(String message) {
            super(message);
        }
    }
}
