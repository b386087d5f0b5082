package io.openclaw.keys.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class ApiKeyFormatTest {

    @Test
    void generatedKeysHaveThePrefixThirtyTwoRandomCharactersAndAValidChecksum() {
        String key = ApiKeyFormat.generate(Environment.LIVE);
        assertThat(key).matches("^ock_live_[0-9A-Za-z]{32}[0-9A-Za-z]{6}$");
        assertThat(ApiKeyFormat.parse(key)).contains(Environment.LIVE);
        assertThat(ApiKeyFormat.parse(ApiKeyFormat.generate(Environment.TEST))).contains(Environment.TEST);
    }

    @Test
    void checksumIsBase62OfTheCrc32OfEverythingBeforeItMostSignificantDigitFirst() {
        String body = "ock_test_BootstrapAdminKeyForTests0000000";
        CRC32 crc = new CRC32();
        crc.update(body.getBytes());
        long value = crc.getValue();
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            expected.insert(0, alphabet.charAt((int) (value % 62)));
            value /= 62;
        }
        assertThat(ApiKeyFormat.checksum(body)).isEqualTo(expected.toString()).isEqualTo("1NhVnv");
    }

    @Test
    void anyAlteredCharacterMakesTheKeyMalformed() {
        String key = ApiKeyFormat.generate(Environment.LIVE);
        char[] chars = key.toCharArray();
        chars[20] = chars[20] == 'a' ? 'b' : 'a';
        assertThat(ApiKeyFormat.isWellFormed(new String(chars))).isFalse();
        assertThat(ApiKeyFormat.isWellFormed(key.substring(0, key.length() - 1)))
                .isFalse();
        assertThat(ApiKeyFormat.isWellFormed(key.replace("ock_live_", "ock_prod_")))
                .isFalse();
        assertThat(ApiKeyFormat.isWellFormed(key.substring(0, 40) + "-" + key.substring(41)))
                .isFalse();
        assertThat(ApiKeyFormat.isWellFormed(null)).isFalse();
        assertThat(ApiKeyFormat.isWellFormed("")).isFalse();
    }

    @Test
    void onlyTheFirstTwelveCharactersAreKeptForDisplay() {
        String key = ApiKeyFormat.generate(Environment.TEST);
        assertThat(ApiKeyFormat.displayPrefix(key)).hasSize(12).startsWith("ock_test_");
    }
}
