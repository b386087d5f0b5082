package io.openclaw.events.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import org.junit.jupiter.api.Test;

class StrictJsonTest {

    record Request(String label, int ttlSeconds, boolean enabled) {}

    private final ObjectMapper mapper = StrictJson.configure(new ObjectMapper());

    @Test
    void aWellTypedBodyReads() throws Exception {
        assertThat(mapper.readValue("{\"label\":\"Hub\",\"ttlSeconds\":300,\"enabled\":true}", Request.class))
                .isEqualTo(new Request("Hub", 300, true));
    }

    @Test
    void aFieldNamedTwiceIsRefusedWhereverTheRepeatStands() {
        assertThatThrownBy(() -> mapper.readValue(
                        "{\"label\":\"Hub\",\"ttlSeconds\":300,\"enabled\":true,\"label\":\"Hub\"}", Request.class))
                .isInstanceOf(JsonParseException.class)
                .hasMessageContaining("Duplicate field 'label'")
                .matches(e -> StrictJson.namesAFieldTwice((JsonParseException) e));
        assertThatThrownBy(() -> mapper.readValue("{\"label\":", Request.class))
                .isInstanceOf(JsonParseException.class)
                .matches(e -> !StrictJson.namesAFieldTwice((JsonParseException) e));
        assertThatThrownBy(() -> mapper.readValue(
                        "{\"label\":\"a\",\"label\":\"b\",\"ttlSeconds\":300,\"enabled\":true}", Request.class))
                .isInstanceOf(JsonParseException.class);
    }

    @Test
    void scalarsOfTheWrongTypeAreNotCoerced() {
        assertThatThrownBy(() ->
                        mapper.readValue("{\"label\":\"Hub\",\"ttlSeconds\":\"300\",\"enabled\":true}", Request.class))
                .isInstanceOf(MismatchedInputException.class);
        assertThatThrownBy(() ->
                        mapper.readValue("{\"label\":\"Hub\",\"ttlSeconds\":1.5,\"enabled\":true}", Request.class))
                .isInstanceOf(MismatchedInputException.class);
        assertThatThrownBy(() -> mapper.readValue("{\"label\":5,\"ttlSeconds\":300,\"enabled\":true}", Request.class))
                .isInstanceOf(MismatchedInputException.class);
        assertThatThrownBy(() ->
                        mapper.readValue("{\"label\":\"Hub\",\"ttlSeconds\":300,\"enabled\":\"false\"}", Request.class))
                .isInstanceOf(MismatchedInputException.class);
    }

    @Test
    void unknownFieldsAndTrailingContentAreRefused() {
        assertThatThrownBy(() -> mapper.readValue(
                        "{\"label\":\"Hub\",\"ttlSeconds\":300,\"enabled\":true,\"admin\":true}", Request.class))
                .isInstanceOf(MismatchedInputException.class);
        assertThatThrownBy(() ->
                        mapper.readValue("{\"label\":\"Hub\",\"ttlSeconds\":300,\"enabled\":true} {}", Request.class))
                .isInstanceOf(MismatchedInputException.class);
    }
}
