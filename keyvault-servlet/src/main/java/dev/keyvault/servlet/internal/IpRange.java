package dev.keyvault.servlet.internal;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An address or CIDR block ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, {@code 127.0.0.1}).
 * Parsing never resolves a name: IPv4 must be a strict dotted quad and anything else an IPv6
 * literal, so a hostile {@code X-Forwarded-For} cannot make the filter issue DNS queries.
 * Immutable, thread-safe.
 */
public final class IpRange {
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private final byte[] network;
    private final int prefix;

    private IpRange(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /** Parses an address or CIDR block. */
    public static IpRange parse(String spec) {
        requireNonNull(spec, "trusted proxy");
        String s = spec.strip();
        int slash = s.indexOf('/');
        byte[] address = parseAddress(slash < 0 ? s : s.substring(0, slash));
        if (address == null) {
            throw new IllegalArgumentException("not an IP address or CIDR block: " + spec);
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("bad prefix length in " + spec);
            }
        }
        return new IpRange(address, prefix);
    }

    /** The address bytes of an IP literal (brackets allowed around IPv6), or {@code null} if it is not one. */
    public static byte[] parseAddress(String literal) {
        if (literal == null) {
            return null;
        }
        String s = literal;
        if (s.length() > 2 && s.charAt(0) == '[' && s.charAt(s.length() - 1) == ']') {
            s = s.substring(1, s.length() - 1);
        }
        if (IPV4.matcher(s).matches()) {
            String[] parts = s.split("\\.");
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                b[i] = (byte) Integer.parseInt(parts[i]);
            }
            return b;
        }
        if (s.indexOf(':') >= 0 && IPV6_CHARS.matcher(s).matches()) {
            try {
                // With a ':' and only hex digits, colons and dots, this parses a literal; it never looks up a name.
                return InetAddress.getByName(s).getAddress();
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }

    public boolean contains(byte[] address) {
        if (address == null || address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (address[full] & mask) == (network[full] & mask);
    }
}
