package io.openclaw.pairing.bruteforce;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SourceAddressTest {

    @Test
    void anIpv4SourceIsCountedInItsSlash24() {
        SourceAddress source = SourceAddress.parse("203.0.113.7", 24, 64).orElseThrow();
        assertThat(source.ip()).isEqualTo("203.0.113.7");
        assertThat(source.network()).isEqualTo("203.0.113.0/24");
        assertThat(source.blockKeys()).contains("203.0.113.7", "203.0.113.0/24", "203.0.0.0/16", "203.0.0.0/8");
    }

    @Test
    void anIpv6SourceIsCountedInItsSlash64AndWrittenCanonically() {
        SourceAddress a = SourceAddress.parse("2001:DB8:0:1:0:0:0:7", 24, 64).orElseThrow();
        SourceAddress b = SourceAddress.parse("2001:db8:0:1::ffff", 24, 64).orElseThrow();
        assertThat(a.ip()).isEqualTo("2001:db8:0:1::7");
        assertThat(a.network()).isEqualTo(b.network()).isEqualTo("2001:db8:0:1::/64");
    }

    @Test
    void anIpv4MappedIpv6SourceCountsAsIpv4() {
        assertThat(SourceAddress.parse("::ffff:203.0.113.7", 24, 64)
                        .orElseThrow()
                        .network())
                .isEqualTo("203.0.113.0/24");
    }

    @Test
    void hostNamesPrefixesAndGarbageAreNotSources() {
        for (String input : new String[] {"example.com", "10.0.0.0/8", "", "999.1.1.1", "2001:db8:1:1:1", null}) {
            assertThat(SourceAddress.parse(input, 24, 64))
                    .as(String.valueOf(input))
                    .isEmpty();
        }
    }

    @Test
    void blocksAreKeyedLikeTheSourcesTheyCover() {
        assertThat(SourceAddress.blockKey("203.0.113.7")).hasValue("203.0.113.7");
        assertThat(SourceAddress.blockKey("203.0.113.0/24")).hasValue("203.0.113.0/24");
        assertThat(SourceAddress.blockKey("203.0.113.0/20")).hasValue("203.0.0.0/16");
        assertThat(SourceAddress.blockKey("2001:db8::/64")).hasValue("2001:db8::/64");
        assertThat(SourceAddress.blockKey("2001:db8::1/128")).hasValue("2001:db8::1");
        assertThat(SourceAddress.blockKey("0.0.0.0/0")).isEmpty();
        assertThat(SourceAddress.blockKey("nonsense")).isEmpty();
        SourceAddress source = SourceAddress.parse("203.0.113.7", 24, 64).orElseThrow();
        assertThat(source.blockKeys())
                .contains(SourceAddress.blockKey("203.0.113.0/20").orElseThrow());
    }
}
