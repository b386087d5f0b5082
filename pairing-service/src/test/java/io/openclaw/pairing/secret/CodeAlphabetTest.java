package io.openclaw.pairing.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CodeAlphabetTest {

    @Test
    void pairingCodesAreTwelveSymbolsInThreeGroupsFromTheUnambiguousAlphabet() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String code = CodeAlphabet.PAIRING.generate();
            assertThat(code).matches("[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}");
            seen.add(code);
        }
        assertThat(seen).hasSize(1000);
    }

    @Test
    void inputIsNormalisedForCaseSpacesAndHyphens() {
        assertThat(CodeAlphabet.PAIRING.normalize("xc5b p7qy-3r2a")).hasValue("XC5BP7QY3R2A");
        assertThat(CodeAlphabet.PAIRING.normalize("XC5B-P7QY-3R2A")).hasValue("XC5BP7QY3R2A");
        assertThat(CodeAlphabet.USER_CODE.normalize("bcdf-ghjk")).hasValue("BCDFGHJK");
    }

    @Test
    void lookAlikesAndWrongLengthsAreMalformed() {
        for (String input : new String[] {
            "XC5B-P7QY-3R20",
            "XC5B-P7QY-3RO2",
            "XC5B-P7QY-3R1A",
            "XC5B-P7QY-3RIA",
            "XC5B-P7QY-3RLA",
            "XC5B-P7QY-3RUA",
            "XC5B-P7QY-3R2",
            "XC5B-P7QY-3R2AA",
            "XC5B\tP7QY3R2A",
            "ＸC5BP7QY3R2A"
        }) {
            assertThat(CodeAlphabet.PAIRING.normalize(input)).as(input).isEmpty();
        }
        assertThat(CodeAlphabet.PAIRING.normalize(null)).isEmpty();
        assertThat(CodeAlphabet.USER_CODE.normalize("BCDF-GHJA")).isEmpty();
    }

    @Test
    void theCodeSpacesHaveTheDocumentedEntropy() {
        assertThat(CodeAlphabet.PAIRING.bits()).isBetween(58.8, 58.9);
        assertThat(CodeAlphabet.USER_CODE.bits()).isBetween(34.5, 34.6);
    }
}
