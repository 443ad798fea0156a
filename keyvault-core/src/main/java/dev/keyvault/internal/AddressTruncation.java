package dev.keyvault.internal;

import java.util.function.UnaryOperator;

/**
 * Cuts a client address to its network: {@code 203.0.113.77} to {@code 203.0.113.0/24},
 * {@code 2001:db8:1:2::5} to {@code 2001:db8:1::/48} (an IPv4-mapped IPv6 address as IPv4, a zone
 * dropped). What is not an IP literal — {@code unknown}, the {@code (other addresses)} label, an
 * address already truncated — is returned unchanged. Immutable.
 */
public final class AddressTruncation implements UnaryOperator<String> {
    private final int ipv4Prefix;
    private final int ipv6Prefix;

    public AddressTruncation(int ipv4Prefix, int ipv6Prefix) {
        this.ipv4Prefix = ipv4Prefix;
        this.ipv6Prefix = ipv6Prefix;
    }

    @Override
    public String apply(String address) {
        byte[] bytes = IpLiterals.parse(address, true);
        if (bytes == null) {
            return address;
        }
        int prefix = bytes.length == 4 ? ipv4Prefix : ipv6Prefix;
        return IpLiterals.format(IpLiterals.mask(bytes, prefix)) + "/" + prefix;
    }
}
