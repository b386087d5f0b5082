package io.openclaw.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** A small black-box HTTP client for journeys: JSON and form bodies, bearer tokens, client addresses. */
public final class Http {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String baseUrl;
    private final String bearer;
    private final String clientIp;
    private final String traceparent;

    private Http(String baseUrl, String bearer, String clientIp, String traceparent) {
        this.baseUrl = baseUrl;
        this.bearer = bearer;
        this.clientIp = clientIp;
        this.traceparent = traceparent;
    }

    public static Http to(String baseUrl) {
        return new Http(baseUrl, null, null, null);
    }

    /** Sends {@code Authorization: Bearer …} on every request of this client. */
    public Http bearer(String token) {
        return new Http(baseUrl, token, clientIp, traceparent);
    }

    /** Sends {@code X-Forwarded-For} so the service sees this client address (the front door does the same). */
    public Http from(String ip) {
        return new Http(baseUrl, bearer, ip, traceparent);
    }

    /** Sends a W3C {@code traceparent}, as a traced caller does. */
    public Http traced(String traceparent) {
        return new Http(baseUrl, bearer, clientIp, traceparent);
    }

    public Reply get(String path) {
        return send(request(path).GET());
    }

    public Reply delete(String path) {
        return send(request(path).DELETE());
    }

    public Reply postJson(String path, Object body) {
        try {
            return send(request(path)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Reply postForm(String path, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return send(request(path)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
        if (bearer != null) {
            builder.header("Authorization", "Bearer " + bearer);
        }
        if (clientIp != null) {
            builder.header("X-Forwarded-For", clientIp);
        }
        if (traceparent != null) {
            builder.header("traceparent", traceparent);
        }
        return builder;
    }

    private static Reply send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> response = CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = null;
            String text = response.body();
            if (text != null && (text.trim().startsWith("{") || text.trim().startsWith("["))) {
                body = JSON.readTree(text);
            }
            return new Reply(response.statusCode(), response.headers().map(), text, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Convenience for form bodies. */
    public static Map<String, String> form(String... pairs) {
        Map<String, String> form = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            form.put(pairs[i], pairs[i + 1]);
        }
        return form;
    }

    /** An HTTP answer. */
    public record Reply(int status, Map<String, java.util.List<String>> headers, String text, JsonNode json) {
        public String field(String name) {
            return json == null || json.get(name) == null || json.get(name).isNull()
                    ? null
                    : json.get(name).asText();
        }

        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream())
                    .findFirst()
                    .orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + text;
        }
    }
}
