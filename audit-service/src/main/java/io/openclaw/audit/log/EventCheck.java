package io.openclaw.audit.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventFields;
import io.openclaw.events.EventType;
import io.openclaw.events.SecretGuard;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether an event may enter the audit log: its type must be known, its data must match the type's
 * JSON Schema from platform-events, and nothing in it may look like a credential.
 *
 * <p>One leniency: {@code account_id: null} is accepted for every type, because detection findings about an
 * IP address belong to no account (the schemas of some types do not allow it yet).
 *
 * <p>The schemas' {@code propertyNames} rule (no field named {@code token}, {@code secret}, …) is left to
 * {@link SecretGuard}, which checks every event first, nested fields too, against a longer list of names
 * (EventCheckTest proves the list covers the schemas'). The validator would otherwise run a regular
 * expression and build an error message that {@code not} then discards for every field of every event.
 */
public final class EventCheck {

    /** Why an event was refused; the reason is the dead-letter metric's tag. */
    public record Refusal(String reason, String detail) {}

    /** The schema keyword {@link SecretGuard} stands in for. */
    static final String PROPERTY_NAMES = "propertyNames";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final Map<EventType, JsonSchema> schemas = new EnumMap<>(EventType.class);

    public EventCheck() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        for (EventType type : EventType.values()) {
            JsonNode schema = schemaOf(type);
            if (schema instanceof ObjectNode object) {
                object.remove(PROPERTY_NAMES);
                schemas.put(type, factory.getSchema(object));
            }
        }
    }

    /** The type's JSON Schema as platform-events ships it, or null for a type without one. */
    static JsonNode schemaOf(EventType type) {
        try (InputStream in = EventType.class.getResourceAsStream(type.schemaResource())) {
            return in == null ? null : MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Optional<Refusal> refusal(CloudEvent event) {
        Optional<EventType> type = event.eventType();
        if (type.isEmpty()) {
            return Optional.of(new Refusal("unknown_type", "unknown event type " + event.type()));
        }
        Optional<String> secret = secretField(event.data());
        if (secret.isPresent()) {
            return Optional.of(new Refusal("secret_suspected", "field '" + secret.get() + "' looks like a secret"));
        }
        JsonSchema schema = schemas.get(type.get());
        if (schema == null) {
            return Optional.empty();
        }
        ObjectNode node = object(event.data());
        if (node.path(EventFields.ACCOUNT_ID).isNull()) {
            node.put(EventFields.ACCOUNT_ID, "acc_none");
        }
        Set<ValidationMessage> errors = schema.validate(node);
        if (!errors.isEmpty()) {
            String detail = errors.stream()
                    .map(ValidationMessage::getMessage)
                    .sorted()
                    .limit(3)
                    .toList()
                    .toString();
            return Optional.of(new Refusal("schema_violation", detail));
        }
        return Optional.empty();
    }

    /**
     * The data as a JSON tree, node by node: {@code ObjectMapper.valueToTree} writes the map to a token buffer
     * and parses that back, at several times the cost.
     */
    static ObjectNode object(Map<?, ?> map) {
        ObjectNode object = NODES.objectNode();
        map.forEach((name, value) -> object.set(String.valueOf(name), node(value)));
        return object;
    }

    private static JsonNode node(Object value) {
        if (value == null) {
            return NODES.nullNode();
        } else if (value instanceof String s) {
            return NODES.textNode(s);
        } else if (value instanceof Map<?, ?> map) {
            return object(map);
        } else if (value instanceof Collection<?> items) {
            ArrayNode array = NODES.arrayNode(items.size());
            items.forEach(item -> array.add(node(item)));
            return array;
        } else if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        } else if (value instanceof Integer n) {
            return NODES.numberNode(n);
        } else if (value instanceof Long n) {
            return NODES.numberNode(n);
        } else if (value instanceof BigInteger n) {
            return NODES.numberNode(n);
        } else if (value instanceof Double n) {
            return NODES.numberNode(n);
        } else if (value instanceof BigDecimal n) {
            return NODES.numberNode(n);
        }
        return MAPPER.valueToTree(value);
    }

    private static Optional<String> secretField(Map<String, ?> data) {
        for (Map.Entry<String, ?> entry : data.entrySet()) {
            if (SecretGuard.isSecretName(entry.getKey())) {
                return Optional.of(entry.getKey());
            }
            Object value = entry.getValue();
            if (value instanceof String s && SecretGuard.looksLikeCredential(s)) {
                return Optional.of(entry.getKey());
            }
            if (value instanceof List<?> list
                    && list.stream().anyMatch(v -> v instanceof String s && SecretGuard.looksLikeCredential(s))) {
                return Optional.of(entry.getKey());
            }
            if (value instanceof Map<?, ?> map) {
                @SuppressWarnings("unchecked")
                Optional<String> nested = secretField((Map<String, ?>) map);
                if (nested.isPresent()) {
                    return Optional.of(entry.getKey() + "." + nested.get());
                }
            }
        }
        return Optional.empty();
    }
}
