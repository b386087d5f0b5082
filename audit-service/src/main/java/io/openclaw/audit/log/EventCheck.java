package io.openclaw.audit.log;

import com.fasterxml.jackson.databind.ObjectMapper;
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
 */
public final class EventCheck {

    /** Why an event was refused; the reason is the dead-letter metric's tag. */
    public record Refusal(String reason, String detail) {}

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Map<EventType, JsonSchema> schemas = new EnumMap<>(EventType.class);

    public EventCheck() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        for (EventType type : EventType.values()) {
            try (InputStream in = EventType.class.getResourceAsStream(type.schemaResource())) {
                if (in != null) {
                    schemas.put(type, factory.getSchema(in));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
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
        ObjectNode node = MAPPER.valueToTree(event.data());
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
