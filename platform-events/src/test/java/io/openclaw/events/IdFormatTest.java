package io.openclaw.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdFormatTest {

    @Test
    void generatedAndReservedIdsHaveTheShape() {
        assertThat(IdFormat.isAccountId("acc_7fQ2mZx9LpR4tW1a")).isTrue();
        assertThat(IdFormat.isAccountId("acc_platform")).isTrue();
        assertThat(IdFormat.isKeyId("key_7fQ2mZx9LpR4tW1a")).isTrue();
        assertThat(IdFormat.isKeyId("key_platform_admin")).isTrue();
    }

    @Test
    void anythingElseHasNot() {
        for (String bad :
                new String[] {null, "", "acc_", "acc_a\u0000", "acc_a\r\n", "acc_a-b", "acc_" + "x".repeat(65)}) {
            assertThat(IdFormat.isAccountId(bad)).as(String.valueOf(bad)).isFalse();
        }
        assertThat(IdFormat.isKeyId("acc_abc")).isFalse();
        assertThat(IdFormat.isAccountId("key_abc")).isFalse();
        assertThat(IdFormat.isKeyId("key_abc%00")).isFalse();
    }
}
