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
}
