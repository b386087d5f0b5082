package io.openclaw.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DisplayTextTest {

    @Test
    void namesInAnyScriptWithSpacesAndEmojiArePrintable() {
        for (String name : List.of("Living Room Hub", "Küche – Gerät 2", "客厅", "غرفة", "Hub 😀", "a\u00A0b")) {
            assertThat(DisplayText.isPrintable(name)).as(name).isTrue();
        }
    }

    @Test
    void controlSeparatorSurrogateUnassignedAndBidiOverrideCharactersAreNot() {
        for (String name : List.of(
                "a\r\nb",
                "a\tb",
                "a\u0000b",
                "a\u0085b",
                "a\u2028b",
                "a\u2029b",
                "a\uD800b",
                "a\u0378b",
                "a\u202Eb",
                "a\u2067b")) {
            assertThat(DisplayText.isPrintable(name)).as(name).isFalse();
        }
    }

    @Test
    void namesAlsoRefuseInvisibleFormatCharacters() {
        assertThat(DisplayText.isName("Zürich billing ✓ 東京")).isTrue();
        for (String bad : new String[] {
            "a\u0000b",
            "a\r\nb",
            "a\tb",
            "a\u007Fb",
            "a\u0085b",
            "a\u2028b",
            "a\u2029b",
            "a\u202Eb",
            "a\u2066b",
            "a\u200Bb",
            "\uFEFFab",
            "a\u200Eb",
            "a\u061Cb",
            "a\uD800b"
        }) {
            assertThat(DisplayText.isName(bad)).as(bad).isFalse();
        }
        // printable text may hold a zero-width joiner (emoji sequences); a name may not
        assertThat(DisplayText.isPrintable("family 👨\u200D👩\u200D👧")).isTrue();
        assertThat(DisplayText.isName("family 👨\u200D👩\u200D👧")).isFalse();
    }

    @Test
    void textForAnEventReplacesWhatNamesRefuseAndKeepsToTheLimit() {
        assertThat(DisplayText.forEvent(null, 512)).isNull();
        assertThat(DisplayText.forEvent("curl/8.5.0", 512)).isEqualTo("curl/8.5.0");
        assertThat(DisplayText.forEvent("a\u0000b\r\n\u202E\u2028\u0085\u200Bc", 512))
                .isEqualTo("a?b??????c");
        assertThat(DisplayText.forEvent("x".repeat(600), 512)).hasSize(512);
        // a surrogate pair is never split at the limit
        assertThat(DisplayText.forEvent("ab😀", 3)).isEqualTo("ab");
        assertThat(DisplayText.forEvent("ab😀", 4)).isEqualTo("ab😀");
    }
}
