package io.openclaw.events.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict {@code application/x-www-form-urlencoded} parser for the form bodies of the OAuth endpoints
 * (RFC 6749 appendix B). A broken percent-escape or bytes that are not UTF-8 make the whole body malformed
 * ({@link Malformed}, which a service answers with 400 {@code invalid_request}) instead of being replaced or
 * reaching a framework decoder that fails with a 500. The exception's message never quotes the input: a
 * form may carry a client secret or a refresh token.
 */
public final class FormUrlEncoded {

    /** The body is not valid form encoding (or repeats a parameter); the message never quotes the input. */
    public static final class Malformed extends IllegalArgumentException {
        private Malformed(String message) {
            super(message);
        }
    }

    private final Map<String, List<String>> parameters;

    private FormUrlEncoded(Map<String, List<String>> parameters) {
        this.parameters = parameters;
    }

    /**
     * Parses a form body. An empty or null body has no parameters; an empty pair ({@code a=1&&b=2}) is
     * skipped, a name without {@code =} has the empty value.
     */
    public static FormUrlEncoded parse(String body) {
        return new FormUrlEncoded(parameters(body));
    }

    /** Every parameter in the order it came, each name with every value it was given. */
    public Map<String, List<String>> parameters() {
        return parameters;
    }

    /**
     * The parameter's one value, null when absent or empty; a parameter given twice is malformed (RFC 6749
     * §3.1: request parameters must not be included more than once).
     */
    public String single(String name) {
        List<String> values = parameters.get(name);
        if (values == null) {
            return null;
        }
        if (values.size() > 1) {
            throw new Malformed(name + " must not be repeated");
        }
        return values.get(0).isEmpty() ? null : values.get(0);
    }

    private static Map<String, List<String>> parameters(String body) {
        Map<String, List<String>> form = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return form;
        }
        int start = 0;
        while (start <= body.length()) {
            int end = body.indexOf('&', start);
            if (end < 0) {
                end = body.length();
            }
            if (end > start) {
                int equals = body.indexOf('=', start);
                boolean hasValue = equals >= 0 && equals < end;
                String name = decode(body, start, hasValue ? equals : end);
                String value = hasValue ? decode(body, equals + 1, end) : "";
                form.computeIfAbsent(name, n -> new ArrayList<>(1)).add(value);
            }
            start = end + 1;
        }
        return form;
    }

    private static String decode(String body, int from, int to) {
        boolean plain = true;
        for (int i = from; i < to && plain; i++) {
            char c = body.charAt(i);
            plain = c != '%' && c != '+' && c < 0x80;
        }
        if (plain) {
            return body.substring(from, to);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            char c = body.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                if (i + 2 >= to) {
                    throw new Malformed("the form body has an incomplete percent-escape");
                }
                int high = Character.digit(body.charAt(i + 1), 16);
                int low = Character.digit(body.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new Malformed("the form body has an invalid percent-escape");
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                // a character the client sent unescaped: taken as it is, unless it is half of a surrogate pair
                int width = 1;
                if (Character.isSurrogate(c)) {
                    if (!Character.isHighSurrogate(c) || i + 1 >= to || !Character.isLowSurrogate(body.charAt(i + 1))) {
                        throw new Malformed("the form body is not UTF-8");
                    }
                    width = 2;
                }
                byte[] encoded = body.substring(i, i + width).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
                i += width - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new Malformed("the form body is not UTF-8");
        }
    }
}
