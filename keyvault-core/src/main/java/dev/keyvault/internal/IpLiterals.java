package dev.keyvault.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP address literals: parsing (never a name lookup), CIDR masks and the canonical text of an
 * address (dotted quad; RFC 5952 for IPv6). An IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.1})
 * is read as the IPv4 address it carries, so a client reaching a dual-stack socket over IPv4 matches
 * IPv4 ranges. Stateless and thread-safe.
 */
public final class IpLiterals {
    private IpLiterals() {}

    /**
     * The bytes (4 or 16) of an address literal, or {@code null} if {@code s} is not one. A zone
     * ({@code fe80::1%eth0}) is ignored when {@code allowZone}; brackets are never accepted. IPv4 octets
     * must be decimal without leading zeros (so {@code 010} is not silently read as 10 or as 8).
     */
    public static byte[] parse(String s, boolean allowZone) {
        if (s == null || s.isEmpty() || s.length() > 64) {
            return null;
        }
        if (s.indexOf(':') < 0) {
            return parseIpv4(s);
        }
        String literal = s;
        int zone = s.indexOf('%');
        if (zone >= 0) {
            if (!allowZone || zone == 0 || zone == s.length() - 1) {
                return null;
            }
            literal = s.substring(0, zone);
        }
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
            if (!ok) {
                return null;
            }
        }
        if (literal.length() < 2 || literal.length() > 45) {
            return null;
        }
        try {
            // Only hex digits, colons and dots with at least one colon: an IPv6 literal, never a name lookup.
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** A strict dotted quad, hand-parsed (this runs on verification of keys with an allowlist). */
    static byte[] parseIpv4(String s) {
        byte[] out = new byte[4];
        int part = 0;
        int value = -1;
        int digits = 0;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c >= '0' && c <= '9') {
                if (digits > 0 && value == 0) {
                    return null; // a leading zero
                }
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (++digits > 3 || value > 255) {
                    return null;
                }
            } else if (c == '.') {
                if (digits == 0 || part == 4) {
                    return null;
                }
                out[part++] = (byte) value;
                value = -1;
                digits = 0;
            } else {
                return null;
            }
        }
        return part == 4 ? out : null;
    }

    /** Whether the bits of {@code address} after the first {@code prefix} are all zero. */
    public static boolean isNetwork(byte[] address, int prefix) {
        for (int bit = prefix; bit < address.length * 8; bit++) {
            if ((address[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                return false;
            }
        }
        return true;
    }

    /** A copy of {@code address} with every bit after the first {@code prefix} cleared. */
    public static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int bit = prefix; bit < out.length * 8; bit++) {
            out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return out;
    }

    /** Whether {@code address} lies in {@code network}/{@code prefix} (of the same family). */
    public static boolean contains(byte[] network, int prefix, byte[] address) {
        if (address == null || address.length != network.length) {
            return false;
        }
        int full = prefix >>> 3;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix & 7;
        if (rest == 0) {
            return true;
        }
        int m = (0xFF << (8 - rest)) & 0xFF;
        return (address[full] & m) == (network[full] & m);
    }

    /** The canonical text: a dotted quad, or RFC 5952's form of IPv6 (lower case, the longest zero run compressed). */
    public static String format(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xFF) + "." + (address[1] & 0xFF) + "." + (address[2] & 0xFF) + "." + (address[3] & 0xFF);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[2 * i] & 0xFF) << 8) | (address[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1; // RFC 5952: a single zero group is not compressed
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append(i == 0 ? "::" : ":");
                i += bestLength - 1;
                continue;
            }
            sb.append(Integer.toHexString(groups[i]));
            if (i < 7) {
                sb.append(':');
            }
        }
        return sb.toString();
    }
}
