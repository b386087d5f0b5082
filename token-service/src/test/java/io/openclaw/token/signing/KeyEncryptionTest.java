package io.openclaw.token.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KeyEncryptionTest {

    @Test
    void aKeyEncryptionKeyThatIsNotBase64OfThirtyTwoBytesStopsTheServiceWithAClearMessage() {
        assertThatThrownBy(() -> KeyEncryption.parse("not base64!"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("openclaw.token.kek");
        String sixteen = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> KeyEncryption.parse(sixteen))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exactly 32");
        assertThat(KeyEncryption.parse(Base64.getEncoder().encodeToString(new byte[32]))
                        .getEncoded())
                .hasSize(32);
    }

    @Test
    void onlyTheDevAndTestProfilesHaveADefaultKeyEncryptionKey() throws Exception {
        Properties properties = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
            properties.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        }
        assertThat(properties.stringPropertyNames())
                .filteredOn(name -> name.endsWith("openclaw.token.kek"))
                .containsExactlyInAnyOrder("%dev.openclaw.token.kek", "%test.openclaw.token.kek");
    }
}
