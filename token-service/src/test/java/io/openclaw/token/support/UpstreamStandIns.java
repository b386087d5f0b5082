package io.openclaw.token.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stands in for pairing-service and key-rotation-service while their engineers build them, honouring the
 * contracts in docs/architecture.md ("Internal calls") and DESIGN.md ({@code /v1/keys/verify}). Tests
 * program it over HTTP under {@code /test/...}, so its state lives in one place whatever class loader a
 * test runs in.
 */
public class UpstreamStandIns implements QuarkusTestResourceLifecycleManager {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private final Map<String, ObjectNode> codes = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> authorizations = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> keys = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> verifications = new ConcurrentHashMap<>();
    private final AtomicReference<String> lastAuthorization = new AtomicReference<>("");
    private final AtomicReference<String> lastTraceparent = new AtomicReference<>("");
    private volatile boolean pairingDown;
    private volatile boolean keysDown;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/internal/v1/redemptions", this::redeem);
        server.createContext("/internal/v1/device-authorizations/poll", this::poll);
        server.createContext("/v1/keys/verify", this::verify);
        server.createContext("/test/", this::control);
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.of(
                "openclaw.token.pairing-url", url, "openclaw.token.keys-url", url, "openclaw.test.stand-in-url", url);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private boolean authorized(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.startsWith("Bearer ey")) {
            send(exchange, 401, problem("unauthorized"));
            return false;
        }
        lastAuthorization.set(authorization.substring("Bearer ".length()));
        String traceparent = exchange.getRequestHeaders().getFirst("traceparent");
        lastTraceparent.set(traceparent == null ? "" : traceparent);
        return true;
    }

    private void redeem(HttpExchange exchange) throws IOException {
        if (pairingDown) {
            send(exchange, 503, problem("unavailable"));
            return;
        }
        if (!authorized(exchange)) {
            return;
        }
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        String code = normalize(body.path("code").asText(""));
        if (code.length() != 12) {
            send(exchange, 400, problem("invalid_format"));
            return;
        }
        ObjectNode entry = codes.get(code);
        if (entry == null) {
            send(exchange, 400, problem("invalid_code"));
            return;
        }
        synchronized (entry) {
            if (entry.path("used").asBoolean()) {
                send(exchange, 400, problem("code_used"));
                return;
            }
            entry.put("used", true);
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("pairing_id", entry.path("pairing_id").asText());
        answer.put("account_id", entry.path("account_id").asText());
        answer.set("scopes", entry.path("scopes"));
        answer.put("label", entry.path("label").asText());
        send(exchange, 200, answer);
    }

    private void poll(HttpExchange exchange) throws IOException {
        if (pairingDown) {
            send(exchange, 503, problem("unavailable"));
            return;
        }
        if (!authorized(exchange)) {
            return;
        }
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        ObjectNode entry = authorizations.get(body.path("device_code").asText(""));
        if (entry == null
                || !entry.path("client_id")
                        .asText()
                        .equals(body.path("client_id").asText())) {
            send(exchange, 400, error("invalid_grant"));
            return;
        }
        String state;
        synchronized (entry) {
            state = entry.path("state").asText();
            if (state.equals("approved")) {
                entry.put("state", "consumed");
            }
        }
        switch (state) {
            case "approved" -> {
                ObjectNode answer = JSON.createObjectNode();
                answer.put("authorization_id", entry.path("authorization_id").asText());
                answer.put("account_id", entry.path("account_id").asText());
                answer.set("scopes", entry.path("scopes"));
                send(exchange, 200, answer);
            }
            case "consumed" -> send(exchange, 400, error("invalid_grant"));
            default -> send(exchange, 400, error(state));
        }
    }

    private void verify(HttpExchange exchange) throws IOException {
        if (keysDown) {
            send(exchange, 503, problem("unavailable"));
            return;
        }
        if (!authorized(exchange)) {
            return;
        }
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        ObjectNode key = keys.get(body.path("key").asText(""));
        ObjectNode answer = JSON.createObjectNode();
        if (key == null) {
            answer.put("valid", false);
            answer.put("code", body.path("key").asText("").startsWith("ock_") ? "NOT_FOUND" : "MALFORMED");
            send(exchange, 200, answer);
            return;
        }
        int calls = verifications
                .computeIfAbsent(key.path("key_id").asText(), k -> new AtomicInteger())
                .incrementAndGet();
        List<String> scopes = new ArrayList<>();
        key.path("scopes").forEach(s -> scopes.add(s.asText()));
        List<String> required = new ArrayList<>();
        body.path("required_scopes").forEach(s -> required.add(s.asText()));
        String status = key.path("status").asText("VALID");
        if (status.equals("VALID") && !scopes.containsAll(required)) {
            status = "INSUFFICIENT_SCOPE";
        }
        // like key-rotation-service: every verification counts against the key's limit (one window per test)
        int limit = key.path("rate_limit").path("requests").asInt(0);
        if (status.equals("VALID") && limit > 0 && calls > limit) {
            status = "RATE_LIMITED";
            answer.put("retry_after", 60);
        }
        answer.put("rate_limited", limit > 0);
        answer.put("valid", status.equals("VALID"));
        answer.put("code", status);
        answer.put("key_id", key.path("key_id").asText());
        answer.put("account_id", key.path("account_id").asText());
        answer.set("scopes", key.path("scopes"));
        answer.putNull("expires_at");
        send(exchange, 200, answer);
    }

    private void control(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        JsonNode body = exchange.getRequestMethod().equals("POST")
                ? JSON.readTree(exchange.getRequestBody())
                : JSON.createObjectNode();
        switch (path) {
            case "/test/pairing-codes" -> {
                ObjectNode entry = ((ObjectNode) body).deepCopy();
                entry.put("used", false);
                codes.put(normalize(body.path("code").asText()), entry);
                send(exchange, 204, null);
            }
            case "/test/pairing-codes/replay" -> {
                // a Redis failover lost the redemption: the same code can be redeemed once more
                codes.get(normalize(body.path("code").asText())).put("used", false);
                send(exchange, 204, null);
            }
            case "/test/device-authorizations" -> {
                authorizations.put(body.path("device_code").asText(), ((ObjectNode) body).deepCopy());
                send(exchange, 204, null);
            }
            case "/test/keys" -> {
                keys.put(body.path("secret").asText(), ((ObjectNode) body).deepCopy());
                send(exchange, 204, null);
            }
            case "/test/keys/calls" -> {
                String keyId = exchange.getRequestURI().getQuery().replace("key_id=", "");
                ObjectNode answer = JSON.createObjectNode();
                answer.put(
                        "calls",
                        verifications.getOrDefault(keyId, new AtomicInteger()).get());
                send(exchange, 200, answer);
            }
            case "/test/mode" -> {
                pairingDown = body.path("pairing_down").asBoolean(false);
                keysDown = body.path("keys_down").asBoolean(false);
                send(exchange, 204, null);
            }
            case "/test/last-traceparent" -> {
                ObjectNode answer = JSON.createObjectNode();
                answer.put("traceparent", lastTraceparent.get());
                send(exchange, 200, answer);
            }
            case "/test/last-authorization" -> {
                ObjectNode answer = JSON.createObjectNode();
                answer.put("token", lastAuthorization.get());
                send(exchange, 200, answer);
            }
            default -> send(exchange, 404, problem("not_found"));
        }
    }

    private static String normalize(String code) {
        return code.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
    }

    private static ObjectNode problem(String code) {
        ObjectNode problem = JSON.createObjectNode();
        problem.put("type", "about:blank");
        problem.put("status", 400);
        problem.put("code", code);
        return problem;
    }

    private static ObjectNode error(String error) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("error", error);
        return answer;
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
        String type =
                body != null && body.has("code") && status >= 400 ? "application/problem+json" : "application/json";
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }
}
