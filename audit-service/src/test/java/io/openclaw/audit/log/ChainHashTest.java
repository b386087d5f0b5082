package io.openclaw.audit.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ChainHashTest {

    /** A record with what canonical JSON must escape or keep: quotes, control characters, non-Latin, emoji. */
    private static AuditRecord record(String actor, Map<String, Object> data) {
        return new AuditRecord(
                        0,
                        "5adc4f74-3050-43d1-aee4-518005965b12",
                        "io.openclaw.pairing.code.issued",
                        "/pairing-service",
                        Instant.parse("2026-12-03T06:58:21.123456Z"),
                        "acc_x",
                        actor,
                        "pc_1",
                        "success",
                        null,
                        "2001:db8::1",
                        "curl/8 \"quoted\" \\ back",
                        ChainHash.canonicalData(data),
                        "openclaw.pairing.events",
                        2,
                        41,
                        "openclaw.pairing.events/2",
                        0,
                        null,
                        null,
                        null)
                .link(42, "ab".repeat(32));
    }

    @Test
    void theHashOfARecordStaysWhatItWasWhenTheChainWasWritten() {
        Map<String, Object> data = new TreeMap<>();
        data.put("label", "Küche 😀 \u202e\t\r\n\u0000 <tag>");
        data.put("scopes", List.of("data:read", "ai:translation"));
        data.put("ttl_seconds", 300);
        data.put("nested", Map.of("z", true, "a", "\u00e9"));

        assertThat(record("key_owner", data).hash())
                .isEqualTo("6a3e2a16d9d191d4d3751ce84e9831c672d4b26b611bfef85646ef888b095685");
        assertThat(record("Ωmega \ud83d\ude00", Map.of()).hash())
                .isEqualTo(hashOfText(record("Ωmega \ud83d\ude00", Map.of())));
        Map<String, Object> bmpOnly = new TreeMap<>(data);
        bmpOnly.put("label", "Küche \u202e\t\r\n\u0000 <tag> \"q\" \\ / \u2028 中文");
        assertThat(record("plain", bmpOnly).hash()).isEqualTo(hashOfText(record("plain", bmpOnly)));
        assertThat(record("plain", bmpOnly).hash())
                .isEqualTo("40212ca6798973ec719aab7827b0b2d918e95c50170cab8c394ee427b2ad8b35");
    }

    /** The definition: SHA-256 over the previous hash and the canonical record's text as UTF-8. */
    private static String hashOfText(AuditRecord r) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(r.prevHash().getBytes(StandardCharsets.US_ASCII));
            sha.update(ChainHash.canonical(r).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aLoneSurrogateHashesAsItAlwaysDid() {
        assertThat(record("broken \ud800 half", Map.of("x", "\udc00")).hash())
                .isEqualTo("804e6e9cef9f5e1bf5e22b9edc4cc0dc007b0101f5b0eed19bad22220f0231c2");
    }
}
