package dev.keyvault;

import static java.util.Objects.requireNonNull;

import dev.keyvault.internal.IpLiterals;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The client addresses a key may be used from: IPv4 and IPv6 CIDR blocks, as Stripe's restricted
 * keys carry them. An empty allowlist ({@link #none()}) restricts nothing. A key with an allowlist is
 * verified only with the client's address ({@code VerificationRequest.withClientAddress}): from an
 * address outside every block — or with no address, or one that is not an IP literal — it is refused
 * as {@link RejectionReason#IP_NOT_ALLOWED}, after its secret matched.
 *
 * <p>Rules, checked at once: at most {@value #MAX_RANGES} blocks; each an IPv4 dotted quad (no
 * leading zeros) or an IPv6 literal, optionally {@code /prefix} (0–32, 0–128; without one, the single
 * address); no host bits after the prefix ({@code 10.1.2.3/8} is refused — {@code 10.0.0.0/8} is
 * probably meant — as PostgreSQL's {@code cidr} refuses it); no zone, no brackets, no
 * IPv4-mapped IPv6 block (write the IPv4 block). Blocks are kept in their canonical text
 * ({@code 2001:db8::/32}, RFC 5952), in the order given, without duplicates. A client address that is
 * IPv4-mapped IPv6 is matched as IPv4; a zone on it is ignored. Messages never echo a block.
 *
 * <p>Immutable and thread-safe; {@link #allows} parses no names and does no I/O.
 */
public final class IpAllowlist {
    /** The most blocks one allowlist may hold. */
    public static final int MAX_RANGES = 64;
    private static final IpAllowlist NONE = new IpAllowlist(List.of(), new byte[0][], new int[0]);

    private final List<String> ranges;
    private final byte[][] networks;
    private final int[] prefixes;

    private IpAllowlist(List<String> ranges, byte[][] networks, int[] prefixes) {
        this.ranges = ranges;
        this.networks = networks;
        this.prefixes = prefixes;
    }

    /** The empty allowlist: no restriction. */
    public static IpAllowlist none() {
        return NONE;
    }

    /**
     * An allowlist of these blocks, such as {@code "203.0.113.0/24"}, {@code "198.51.100.7"} or
     * {@code "2001:db8::/32"}.
     *
     * @throws IllegalArgumentException if a block breaks the rules of the class comment, or there are more than {@value #MAX_RANGES}
     */
    public static IpAllowlist of(String... ranges) {
        return of(List.of(requireNonNull(ranges, "ranges")));
    }

    /** {@link #of(String...)} for a collection. */
    public static IpAllowlist of(Collection<String> ranges) {
        requireNonNull(ranges, "ranges");
        if (ranges.size() > MAX_RANGES) {
            throw new IllegalArgumentException("an IP allowlist holds at most " + MAX_RANGES + " ranges, got " + ranges.size());
        }
        if (ranges.isEmpty()) {
            return NONE;
        }
        Set<String> canonical = new LinkedHashSet<>();
        List<byte[]> nets = new ArrayList<>();
        List<Integer> bits = new ArrayList<>();
        int index = 0;
        for (String r : ranges) {
            requireNonNull(r, "range");
            Parsed p = parse(r, index++);
            if (canonical.add(p.text)) {
                nets.add(p.network);
                bits.add(p.prefix);
            }
        }
        int[] prefixes = new int[bits.size()];
        for (int i = 0; i < prefixes.length; i++) {
            prefixes[i] = bits.get(i);
        }
        return new IpAllowlist(Collections.unmodifiableList(new ArrayList<>(canonical)), nets.toArray(new byte[0][]), prefixes);
    }

    private record Parsed(String text, byte[] network, int prefix) {}

    private static Parsed parse(String range, int index) {
        String where = "IP allowlist range " + (index + 1);
        if (range.length() > 64) {
            throw new IllegalArgumentException(where + " is longer than 64 characters");
        }
        int slash = range.indexOf('/');
        String address = slash < 0 ? range : range.substring(0, slash);
        if (address.indexOf('%') >= 0 || address.indexOf('[') >= 0) {
            throw new IllegalArgumentException(where + " must be an address or CIDR block without a zone or brackets");
        }
        byte[] bytes = IpLiterals.parse(address, false);
        if (bytes == null) {
            throw new IllegalArgumentException(where + " is not an IPv4 or IPv6 address or CIDR block");
        }
        if (bytes.length == 4 && address.indexOf(':') >= 0) {
            throw new IllegalArgumentException(where + " is an IPv4-mapped IPv6 address: write the IPv4 address or block");
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String digits = range.substring(slash + 1);
            if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (digits.length() > 1 && digits.charAt(0) == '0')) {
                throw new IllegalArgumentException(where + " has a malformed prefix length");
            }
            prefix = Integer.parseInt(digits);
            if (prefix > max) {
                throw new IllegalArgumentException(where + " has a prefix length over " + max);
            }
        }
        if (!IpLiterals.isNetwork(bytes, prefix)) {
            throw new IllegalArgumentException(where + " has address bits set after its prefix length (give the network address)");
        }
        return new Parsed(IpLiterals.format(bytes) + "/" + prefix, bytes, prefix);
    }

    /** The blocks, in canonical text with their prefix length ({@code 198.51.100.7/32}), in the order given. */
    public List<String> ranges() {
        return ranges;
    }

    /** Whether this allowlist restricts nothing. */
    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /**
     * Whether a request from {@code clientAddress} may use the key: always for an empty allowlist;
     * otherwise only an IP literal inside one of the blocks ({@code null}, {@code "unknown"} and
     * anything else that is not an address are refused).
     */
    public boolean allows(String clientAddress) {
        if (networks.length == 0) {
            return true;
        }
        byte[] address = IpLiterals.parse(clientAddress, true);
        if (address == null) {
            return false;
        }
        for (int i = 0; i < networks.length; i++) {
            if (IpLiterals.contains(networks[i], prefixes[i], address)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpAllowlist other && ranges.equals(other.ranges);
    }

    @Override
    public int hashCode() {
        return ranges.hashCode();
    }

    @Override
    public String toString() {
        return "IpAllowlist" + ranges;
    }
}
