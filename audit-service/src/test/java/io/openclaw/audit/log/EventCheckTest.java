package io.openclaw.audit.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openclaw.events.CloudEvent;
import io.openclaw.events.EventFields;
import io.openclaw.events.EventType;
import io.openclaw.events.SecretGuard;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EventCheckTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The only shape of {@code propertyNames} the schemas use: a list of forbidden names. */
    private static final Pattern FORBIDDEN_NAMES = Pattern.compile("\\^\\(([a-z_|]+)\\)\\$");

    private final EventCheck check = new EventCheck();

    @ParameterizedTest
    @EnumSource(EventType.class)
    void secretGuardRefusesEveryNameTheSchemaForbids(EventType type) {
        JsonNode rule = EventCheck.schemaOf(type).path(EventCheck.PROPERTY_NAMES);
        if (rule.isMissingNode()) {
            return;
        }

        assertThat(rule.size())
                .as("propertyNames of %s holds only a 'not'", type)
                .isEqualTo(1);
        Matcher names = FORBIDDEN_NAMES.matcher(rule.path("not").path("pattern").asText());
        assertThat(names.matches())
                .as("propertyNames of %s is a list of names: %s", type, rule)
                .isTrue();
        assertThat(Arrays.asList(names.group(1).split("\\|"))).allMatch(SecretGuard::isSecretName);
    }

    @Test
    void anEventWithAFieldNamedLikeASecretIsRefused() {
        Map<String, Object> data = validIssued();
        data.put("refresh_token", "anything");

        assertThat(check.refusal(issued(data)))
                .hasValueSatisfying(r -> assertThat(r.reason()).isEqualTo("secret_suspected"));
    }

    @Test
    void aValidEventPasses() {
        assertThat(check.refusal(issued(validIssued()))).isEmpty();
    }

    @Test
    void noAccountIsAccepted() {
        Map<String, Object> data = validIssued();
        data.put(EventFields.ACCOUNT_ID, null);

        assertThat(check.refusal(issued(data))).isEmpty();
    }

    @Test
    void theSchemaStillJudgesTypesRequiredFieldsAndNestedValues() {
        Map<String, Object> missing = validIssued();
        missing.remove(EventFields.JTI);
        Map<String, Object> wrongType = validIssued();
        wrongType.put(EventFields.SCOPES, "data:read");
        Map<String, Object> wrongItem = validIssued();
        wrongItem.put(EventFields.SCOPES, List.of("data:read", 7));
        Map<String, Object> badOutcome = validIssued();
        badOutcome.put(EventFields.OUTCOME, "maybe");

        for (Map<String, Object> data : List.of(missing, wrongType, wrongItem, badOutcome)) {
            assertThat(check.refusal(issued(data))).as("%s", data).hasValueSatisfying(r -> assertThat(r.reason())
                    .isEqualTo("schema_violation"));
        }
    }

    @Test
    void theTreeIsTheOneJacksonWouldBuild() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("text", "é \uD83D\uDE00");
        data.put("int", 7);
        data.put("long", 1L << 40);
        data.put("big", BigInteger.TEN.pow(30));
        data.put("double", 0.25);
        data.put("flag", true);
        data.put("none", null);
        data.put("list", List.of("a", 1, List.of()));
        data.put("nested", Map.of("inner", Map.of("deep", false)));

        assertThat(EventCheck.object(data)).isEqualTo(MAPPER.valueToTree(data));
    }

    private static Map<String, Object> validIssued() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put(EventFields.ACCOUNT_ID, "acc_check");
        data.put(EventFields.ACTOR, "key_check");
        data.put(EventFields.SUBJECT, "key_check");
        data.put(EventFields.OUTCOME, "success");
        data.put(EventFields.GRANT_TYPE, "client_credentials");
        data.put(EventFields.SCOPES, List.of("data:read"));
        data.put(EventFields.JTI, "jti_check");
        return data;
    }

    private static CloudEvent issued(Map<String, Object> data) {
        return new CloudEvent(
                "evt_check",
                "/token-service",
                EventType.TOKEN_ISSUED.type(),
                Instant.parse("2026-12-03T10:00:00Z"),
                "key_check",
                "acc_check",
                data);
    }
}
