package io.openclaw.pairing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;

/** Checks a published event's data against its JSON Schema in platform-events. */
final class EventContract {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    private EventContract() {}

    static CloudEvent assertValid(CloudEvent event) {
        EventType type = event.eventType().orElseThrow(() -> new AssertionError("unknown type " + event.type()));
        try (InputStream schemaText = EventType.class.getResourceAsStream(type.schemaResource())) {
            JsonSchema schema = FACTORY.getSchema(schemaText);
            JsonNode data = MAPPER.valueToTree(event.data());
            Set<ValidationMessage> errors = schema.validate(data);
            assertThat(errors)
                    .as("%s against its schema: %s", event.type(), data)
                    .isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(event.source()).isEqualTo("/pairing-service");
        return event;
    }
}
