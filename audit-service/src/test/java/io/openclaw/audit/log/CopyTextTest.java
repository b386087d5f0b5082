package io.openclaw.audit.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CopyTextTest {

    @Test
    void columnsAreTabSeparatedAndNullIsBackslashN() {
        assertThat(CopyText.row(new StringBuilder(), "a", null, "").toString()).isEqualTo("a\t\\N\t\n");
    }

    @Test
    void valuesCannotEndTheirColumnOrRowOrFakeANull() {
        String row = CopyText.row(new StringBuilder(), "x\ty\r\nz", "\\N", "C:\\dir\\.")
                .toString();

        assertThat(row).isEqualTo("x\\ty\\r\\nz\t\\\\N\tC:\\\\dir\\\\.\n");
        assertThat(row.chars().filter(c -> c == '\t')).hasSize(2);
        assertThat(row.indexOf('\n')).isEqualTo(row.length() - 1);
    }

    @Test
    void unicodeIsWrittenAsIs() {
        assertThat(CopyText.row(new StringBuilder(), "Café 😀 ‮").toString()).isEqualTo("Café 😀 ‮\n");
    }
}
