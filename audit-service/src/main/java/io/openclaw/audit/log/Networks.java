package io.openclaw.audit.log;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** The network an address belongs to for counting: its /24 (IPv4) or /64 (IPv6). */
public final class Networks {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private Networks() {}

    /** The /24 or /64 of an IP literal, or null for anything that is not one. */
    public static String networkOf(String ip) {
        if (ip == null
                || ip.isBlank()
                || !(IPV4.matcher(ip).matches() || IPV6.matcher(ip).matches())) {
            return null;
        }
        try {
            byte[] a = InetAddress.getByName(ip).getAddress();
            if (a.length == 4) {
                return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + ".0/24";
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                sb.append(Integer.toHexString(((a[i] & 0xff) << 8) | (a[i + 1] & 0xff)))
                        .append(':');
            }
            return sb.append(":/64").toString();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
