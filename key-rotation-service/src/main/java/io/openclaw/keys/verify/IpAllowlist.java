package io.openclaw.keys.verify;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv6.IPv6Address;
import io.openclaw.keys.web.Problem;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A key's CIDR allowlist (IPv4 and IPv6, parsed with the IPAddress library). An empty list allows every
 * address; IPv4-mapped IPv6 clients ({@code ::ffff:203.0.113.7}) match IPv4 blocks.
 */
public final class IpAllowlist {

    private static final int MAX_ENTRIES = 100;
    /**
     * What an address or CIDR block is written with. The IPAddress library reads {@code ""} as loopback and
     * knows wildcards and ranges, and {@code trim()} would drop a NUL, so anything else is refused first.
     */
    private static final Pattern ADDRESS_TEXT = Pattern.compile("[0-9A-Fa-f:./]{2,64}");

    private final List<IPAddress> blocks;

    private IpAllowlist(List<IPAddress> blocks) {
        this.blocks = blocks;
    }

    /** Parses stored (already normalized) entries. */
    public static IpAllowlist of(List<String> cidrs) {
        List<IPAddress> blocks = new ArrayList<>(cidrs.size());
        for (String cidr : cidrs) {
            IPAddress block = new IPAddressString(cidr).getAddress();
            if (block != null) {
                blocks.add(block);
            }
        }
        return new IpAllowlist(List.copyOf(blocks));
    }

    /** Validates entries from a request and returns them in canonical form (e.g. {@code 10.0.0.0/8}). */
    public static List<String> normalize(List<String> cidrs) {
        if (cidrs == null) {
            return List.of();
        }
        if (cidrs.size() > MAX_ENTRIES) {
            throw Problem.badRequest("invalid_allowlist", "an allowlist has at most " + MAX_ENTRIES + " entries");
        }
        LinkedHashSet<String> normalized = new LinkedHashSet<>();
        for (String cidr : cidrs) {
            String text = cidr == null ? null : cidr.strip();
            IPAddress address = text == null || !ADDRESS_TEXT.matcher(text).matches()
                    ? null
                    : new IPAddressString(text).getAddress();
            if (address == null) {
                throw Problem.badRequest(
                        "invalid_allowlist", "'" + safe(cidr) + "' is not an IPv4 or IPv6 address or CIDR block");
            }
            IPAddress block = address.isPrefixed() ? address.toPrefixBlock() : address;
            normalized.add(block.toCanonicalString());
        }
        return List.copyOf(normalized);
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** Whether the client address is inside one of the blocks; an unparseable or missing address is not. */
    public boolean allows(String clientIp) {
        return blocks.isEmpty() || allows(parseClient(clientIp));
    }

    /** Whether the (already parsed, see {@link #parseClient}) client address is inside one of the blocks. */
    public boolean allows(IPAddress client) {
        if (blocks.isEmpty()) {
            return true;
        }
        if (client == null) {
            return false;
        }
        for (IPAddress block : blocks) {
            if (block.getIPVersion() == client.getIPVersion() && block.contains(client)) {
                return true;
            }
        }
        return false;
    }

    /** A single client address, IPv4-mapped IPv6 unwrapped; null when it is not one address. */
    public static IPAddress parseClient(String clientIp) {
        if (clientIp == null || clientIp.isBlank() || clientIp.length() > 64) {
            return null;
        }
        IPAddress address = new IPAddressString(clientIp.trim()).getAddress();
        if (address == null || address.isPrefixed() || address.isMultiple()) {
            return null;
        }
        if (address instanceof IPv6Address v6 && v6.isIPv4Mapped()) {
            return v6.getEmbeddedIPv4Address();
        }
        return address;
    }

    private static String safe(String value) {
        if (value == null) {
            return "null";
        }
        String printable = value.replaceAll("[^ -~]", "?");
        return printable.length() > 64 ? printable.substring(0, 64) + "…" : printable;
    }
}
