package io.openclaw.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** CloudEvents structured JSON format, used by outboxes and Redis streams. */
public final class CloudEventJson {

    static final ObjectMapper MAPPER =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private CloudEventJson() {}

    public static String toJson(CloudEvent event) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("specversion", CloudEvent.SPEC_VERSION);
        node.put("id", event.id());
        node.put("source", event.source());
        node.put("type", event.type());
        node.put("time", event.time().toString());
        if (event.subject() != null) {
            node.put("subject", event.subject());
        }
        node.put("partitionkey", event.partitionKey());
        node.put("datacontenttype", CloudEvent.DATA_CONTENT_TYPE);
        if (event.traceparent() != null) {
            node.put("traceparent", event.traceparent());
        }
        node.set("data", MAPPER.valueToTree(event.data()));
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static CloudEvent fromJson(String json) {
        try {
            JsonNode node = MAPPER.readTree(json);
            requireSpecVersion(node.path("specversion").asText(null));
            return new CloudEvent(
                    required(node, "id"),
                    required(node, "source"),
                    required(node, "type"),
                    EventTime.parse(required(node, "time")),
                    node.path("subject").asText(null),
                    node.path("partitionkey").asText(CloudEvent.NO_ACCOUNT),
                    MAPPER.convertValue(node.path("data"), MAP),
                    node.path("traceparent").asText(null));
        } catch (IOException e) {
            throw new MalformedEventException(
                    "not a JSON CloudEvent (" + e.getClass().getSimpleName() + ")", e);
        } catch (RuntimeException e) {
            throw e instanceof MalformedEventException m ? m : new MalformedEventException(e.getMessage(), e);
        }
    }

    /** The event's data as JSON bytes (the Kafka record value in binary mode). */
    public static byte[] dataBytes(CloudEvent event) {
        try {
            return MAPPER.writeValueAsBytes(event.data());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> parseData(byte[] value) {
        if (value == null || value.length == 0) {
            return Map.of();
        }
        try {
            JsonNode node = MAPPER.readTree(value);
            if (!node.isObject()) {
                throw new MalformedEventException("event data must be a JSON object");
            }
            return MAPPER.convertValue(node, MAP);
        } catch (IOException e) {
            throw new MalformedEventException(
                    "event data is not JSON (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    static void requireSpecVersion(String specVersion) {
        if (!CloudEvent.SPEC_VERSION.equals(specVersion)) {
            throw new MalformedEventException("unsupported CloudEvents specversion: " + specVersion);
        }
    }

    private static String required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.asText().isEmpty()) {
            throw new MalformedEventException("CloudEvent attribute '" + field + "' is missing");
        }
        return value.asText();
    }

    /** Thrown for input that is not a well-formed CloudEvent. */
    public static final class MalformedEventException extends IllegalArgumentException {
        public MalformedEventException(String message) {
            super(message);
        }

        public MalformedEventException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
