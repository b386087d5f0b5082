package io.openclaw.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventContractTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everySchemaIsAValidDraft2020Schema(EventType type) {
        JsonSchema meta = FACTORY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

        Set<ValidationMessage> problems = meta.validate(schemaNode(type));

        assertThat(problems).isEmpty();
        assertThat(schemaNode(type).path("title").asText()).isEqualTo(type.type());
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyExampleValidatesAgainstItsSchema(EventType type) {
        JsonNode examples = schemaNode(type).path("examples");

        assertThat(examples.size()).isPositive();
        for (JsonNode example : examples) {
            assertThat(schema(type).validate(example)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void anEventBuiltFromTheExampleRoundTripsAndValidates(EventType type) {
        Map<String, Object> example =
                MAPPER.convertValue(schemaNode(type).path("examples").get(0), Map.class);
        CloudEvent event = CloudEvent.builder(type)
                .source("/contract-test")
                .subject((String) example.get(EventFields.SUBJECT))
                .data(example)
                .build();

        CloudEvent viaJson = CloudEventJson.fromJson(CloudEventJson.toJson(event));
        CloudEvent viaKafka = KafkaCloudEvents.fromRecord(asConsumed(KafkaCloudEvents.toRecord(event)));

        assertThat(viaJson).isEqualTo(event);
        assertThat(viaKafka).isEqualTo(event);
        assertThat(schema(type).validate(MAPPER.valueToTree(viaKafka.data()))).isEmpty();
    }

    @Test
    void eachTypeIsPublishedToATopicWeKnow() {
        assertThat(Arrays.stream(EventType.values()).map(EventType::topic)).allMatch(Topics.ALL::contains);
        assertThat(EventType.of("io.openclaw.key.rotated")).contains(EventType.KEY_ROTATED);
        assertThat(EventType.of("io.openclaw.nope")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"code", "key", "token", "secret", "password", "refresh_token", "client_secret", "Pairing-Code"})
    void theBuilderRejectsAnEventWithASecretLookingField(String field) {
        CloudEvent.Builder builder = validBuilder();

        assertThatThrownBy(() -> builder.data(field, "whatever"))
                .isInstanceOf(SecretGuard.SecretInEventException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "ock_live_4f8Hk2Lm9Qr3St6Vw1Xy5Za7Bc0De2Fg4a1B2c3",
                "ocr_9vJt2hQxZ0mN4pR8sT6uW1yA3cE5gI7kM9oQ1sU3wY",
                "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZXZfMSJ9.c2lnbmF0dXJl"
            })
    void theBuilderRejectsCredentialShapedValuesEvenUnderInnocentNames(String value) {
        CloudEvent.Builder builder = validBuilder();

        assertThatThrownBy(() -> builder.data("label", value)).isInstanceOf(SecretGuard.SecretInEventException.class);
        assertThatThrownBy(() -> builder.data("details", Map.of("note", value)))
                .isInstanceOf(SecretGuard.SecretInEventException.class);
    }

    @Test
    void idsThatMentionKeysOrTokensAreFine() {
        CloudEvent event = validBuilder()
                .data(EventFields.KEY_ID, "key_3Jk8Lm2Np")
                .data("token_kind", "family")
                .data(EventFields.JTI, "01JD7ZA0B1C2")
                .build();

        assertThat(event.string(EventFields.KEY_ID)).isEqualTo("key_3Jk8Lm2Np");
    }

    @Test
    void malformedRecordsAreRefusedWithAClearError() {
        var record = KafkaCloudEvents.toRecord(validBuilder().build());
        record.headers().remove("ce_id");

        assertThatThrownBy(() -> KafkaCloudEvents.fromRecord(asConsumed(record)))
                .isInstanceOf(CloudEventJson.MalformedEventException.class)
                .hasMessageContaining("ce_id");
        assertThatThrownBy(() -> CloudEventJson.fromJson("{not json"))
                .isInstanceOf(CloudEventJson.MalformedEventException.class);
    }

    @Test
    void anEventWithANulWhereConsumersStoreTextIsMalformed() {
        CloudEvent event = validBuilder().build();
        Map<String, Object> data = new java.util.HashMap<>(event.data());
        data.put(EventFields.USER_AGENT, "curl\u0000/8");
        var record = KafkaCloudEvents.toRecord(withData(event, data));

        assertThatThrownBy(() -> KafkaCloudEvents.fromRecord(asConsumed(record)))
                .isInstanceOf(CloudEventJson.MalformedEventException.class)
                .hasMessage("data field 'user_agent' holds a NUL character");

        var header = KafkaCloudEvents.toRecord(event);
        header.headers().remove("ce_subject");
        header.headers().add("ce_subject", "dev_\u0000".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThatThrownBy(() -> KafkaCloudEvents.fromRecord(asConsumed(header)))
                .isInstanceOf(CloudEventJson.MalformedEventException.class)
                .hasMessage("CloudEvent header 'ce_subject' holds a NUL character");

        data.put(EventFields.USER_AGENT, "curl/8");
        data.put("details", Map.of("note", "nested \u0000 is stored escaped"));
        var nested = KafkaCloudEvents.toRecord(withData(event, data));
        assertThat(KafkaCloudEvents.fromRecord(asConsumed(nested)).data()).containsKey("details");
    }

    /** The event with other data, as a producer that bypassed the builder could send it. */
    private static CloudEvent withData(CloudEvent event, Map<String, Object> data) {
        return new CloudEvent(
                event.id(),
                event.source(),
                event.type(),
                event.time(),
                event.subject(),
                event.partitionKey(),
                data,
                null);
    }

    @Test
    void theTraceparentTravelsInBothBindingsAndAMalformedOneIsDropped() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        CloudEvent event = validBuilder().traceparent(traceparent).build();

        assertThat(CloudEventJson.fromJson(CloudEventJson.toJson(event)).traceparent())
                .isEqualTo(traceparent);
        ProducerRecord<String, byte[]> record = KafkaCloudEvents.toRecord("t", event);
        assertThat(KafkaCloudEvents.fromParts(record.headers(), record.key(), record.value())
                        .traceparent())
                .isEqualTo(traceparent);
        assertThat(validBuilder().traceparent("00-zz\r\nx").build().traceparent())
                .isNull();
        assertThat(validBuilder().build().traceparent()).isNull();
    }

    @Test
    void thePartitionKeyIsTheAccountUnlessOverridden() {
        assertThat(validBuilder().build().partitionKey()).isEqualTo("acc_9f3k2");
        assertThat(validBuilder().accountId(null).build().partitionKey()).isEqualTo(CloudEvent.NO_ACCOUNT);
        assertThat(validBuilder().partitionKey("key_1").build().partitionKey()).isEqualTo("key_1");
    }

    @Test
    void theSubscribersDocumentationListsEveryType() throws IOException {
        java.nio.file.Path docs = java.nio.file.Paths.get("..", "docs", "events.md");
        String text = java.nio.file.Files.readString(docs);

        assertThat(Arrays.stream(EventType.values()).map(EventType::type))
                .allMatch(type -> text.contains("`" + type + "`"));
        assertThat(Topics.ALL).allMatch(topic -> text.contains("`" + topic + "`"));
    }

    static Stream<EventType> types() {
        return Arrays.stream(EventType.values());
    }

    private static CloudEvent.Builder validBuilder() {
        return CloudEvent.builder(EventType.PAIRING_CODE_REVOKED)
                .source("/contract-test")
                .accountId("acc_9f3k2")
                .actor("key_7Hq2mN4pR8sT")
                .subject("pc_01JD7Z6V3K")
                .reason("superseded");
    }

    private static org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> asConsumed(
            org.apache.kafka.clients.producer.ProducerRecord<String, byte[]> record) {
        return new org.apache.kafka.clients.consumer.ConsumerRecord<>(
                record.topic(),
                0,
                0L,
                0L,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME,
                0,
                0,
                record.key(),
                record.value(),
                record.headers(),
                java.util.Optional.empty());
    }

    private static JsonSchema schema(EventType type) {
        return FACTORY.getSchema(schemaNode(type));
    }

    private static JsonNode schemaNode(EventType type) {
        try (InputStream in = EventType.class.getResourceAsStream(type.schemaResource())) {
            assertThat(in).as("schema for %s", type.type()).isNotNull();
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
