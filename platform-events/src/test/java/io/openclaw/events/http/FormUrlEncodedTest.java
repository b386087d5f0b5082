package io.openclaw.events.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormUrlEncodedTest {

    @Test
    void decodesNamesAndValuesInOrderWithEveryRepetition() {
        Map<String, List<String>> form = FormUrlEncoded.parse(
                        "grant_type=refresh_token&scope=data%3Aread+data%3Awrite&scope=x&device%20name=Caf%C3%A9%20%F0%9F%98%80")
                .parameters();

        assertThat(form.keySet()).containsExactly("grant_type", "scope", "device name");
        assertThat(form.get("grant_type")).containsExactly("refresh_token");
        assertThat(form.get("scope")).containsExactly("data:read data:write", "x");
        assertThat(form.get("device name")).containsExactly("Café 😀");
    }

    @Test
    void emptyPairsAreSkippedAndANameWithoutValueIsEmpty() {
        assertThat(FormUrlEncoded.parse("&&a=1&&b&c=&").parameters())
                .containsExactly(
                        Map.entry("a", List.of("1")), Map.entry("b", List.of("")), Map.entry("c", List.of("")));
        assertThat(FormUrlEncoded.parse("").parameters()).isEmpty();
        assertThat(FormUrlEncoded.parse(null).parameters()).isEmpty();
    }

    @Test
    void unescapedUnicodeIsKeptAsSent() {
        assertThat(FormUrlEncoded.parse("name=Café😀").single("name")).isEqualTo("Café😀");
    }

    @Test
    void singleIsTheOneValueNullWhenAbsentOrEmptyAndRefusesARepeatedParameter() {
        FormUrlEncoded form = FormUrlEncoded.parse("a=1&b=&c=2&c=2");

        assertThat(form.single("a")).isEqualTo("1");
        assertThat(form.single("b")).isNull();
        assertThat(form.single("missing")).isNull();
        assertThatThrownBy(() -> form.single("c"))
                .isInstanceOf(FormUrlEncoded.Malformed.class)
                .hasMessage("c must not be repeated");
    }

    @Test
    void brokenEscapesAndNonUtf8AreMalformedWithoutQuotingTheInput() {
        for (String body : List.of(
                "refresh_token=ock_secret%zz",
                "refresh_token=ock_secret%",
                "refresh_token=ock_secret%4",
                "ock_secret%g1=1",
                "refresh_token=ock_secret%ff%fe",
                "refresh_token=ock_secret%C3",
                "refresh_token=ock_secret\uD800x")) {
            assertThatThrownBy(() -> FormUrlEncoded.parse(body))
                    .as(body)
                    .isInstanceOf(FormUrlEncoded.Malformed.class)
                    .isInstanceOf(IllegalArgumentException.class)
                    .message()
                    .doesNotContain("ock_secret")
                    .startsWith("the form body");
        }
    }
}
