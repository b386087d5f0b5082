package io.openclaw.pairing.bruteforce;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A source of guesses: its canonical IP, the network it is counted in (/24 for IPv4, /64 for IPv6 by
 * default) and the keys of the blocks that cover it. IPv4-mapped IPv6 addresses count as IPv4.
 */
public record SourceAddress(String ip, String network, List<String> blockKeys) {

    /** Prefix lengths a block may have; a block of another length is widened to the next one that covers it. */
    static final int[] IPV4_BLOCK_PREFIXES = {8, 16, 24};

    static final int[] IPV6_BLOCK_PREFIXES = {32, 48, 56, 64};

    /** Parses a literal IP address (no host names, no prefixes), or empty when it is not one. */
    public static Optional<SourceAddress> parse(String text, int ipv4Prefix, int ipv6Prefix) {
        Optional<IPAddress> parsed = address(text);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        IPAddress address = parsed.get();
        String ip = address.toCanonicalString();
        int prefix = address.isIPv4() ? ipv4Prefix : ipv6Prefix;
        String network = address.toPrefixBlock(prefix).toCanonicalString();
        List<String> blocks = new ArrayList<>();
        blocks.add(ip);
        for (int length : address.isIPv4() ? IPV4_BLOCK_PREFIXES : IPV6_BLOCK_PREFIXES) {
            blocks.add(address.toPrefixBlock(length).toCanonicalString());
        }
        return Optional.of(new SourceAddress(ip, network, List.copyOf(blocks)));
    }

    /**
     * The key under which a block of an IP or CIDR network is stored, matching {@link #blockKeys()}: a
     * single address as itself, a network widened to the nearest checked prefix length that covers it.
     */
    public static Optional<String> blockKey(String ipOrNetwork) {
        if (ipOrNetwork == null || ipOrNetwork.isBlank() || ipOrNetwork.length() > 64) {
            return Optional.empty();
        }
        IPAddressString text = new IPAddressString(ipOrNetwork.trim());
        IPAddress address = text.getAddress();
        if (address == null) {
            return Optional.empty();
        }
        if (address.isIPv6() && address.toIPv6().isIPv4Mapped()) {
            address = address.toIPv4();
        }
        Integer prefix = address.getNetworkPrefixLength();
        int full = address.getBitCount();
        if (prefix == null || prefix == full) {
            return Optional.of(address.withoutPrefixLength().toCanonicalString());
        }
        int widened = -1;
        for (int length : address.isIPv4() ? IPV4_BLOCK_PREFIXES : IPV6_BLOCK_PREFIXES) {
            if (length <= prefix) {
                widened = length;
            }
        }
        if (widened < 0) {
            return Optional.empty();
        }
        return Optional.of(address.toPrefixBlock(widened).toCanonicalString());
    }

    private static Optional<IPAddress> address(String text) {
        if (text == null || text.isBlank() || text.length() > 64) {
            return Optional.empty();
        }
        IPAddressString string = new IPAddressString(text.trim());
        IPAddress address = string.getAddress();
        if (address == null || address.isPrefixed()) {
            return Optional.empty();
        }
        if (address.isIPv6() && address.toIPv6().isIPv4Mapped()) {
            address = address.toIPv4();
        }
        return Optional.of(address);
    }
}
