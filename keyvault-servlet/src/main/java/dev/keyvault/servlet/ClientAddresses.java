package dev.keyvault.servlet;

import static java.util.Objects.requireNonNull;

import dev.keyvault.Syntax;
import dev.keyvault.servlet.internal.IpRange;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/**
 * The client address of a request, as usage records it, failed verifications are counted by
 * ({@link FailureLimiter}) and key policies check it ({@code VerificationRequest.withClientAddress}):
 * the connection's remote address, unless that is a configured trusted proxy, in which case
 * {@code X-Forwarded-For} is read from the right, skipping trusted proxies, and the first other
 * hop is the client. Anyone can write {@code X-Forwarded-For}, so it is believed only as far as
 * the chain of trusted proxies reaches; a hop that is not an address literal ends the walk at the
 * last hop that could be vouched for. Addresses are parsed as literals only, never resolved as
 * names (no DNS), and at most 32 hops are looked at.
 *
 * <pre>{@code
 * ClientAddresses addresses = ClientAddresses.trusting("10.0.0.0/8"); // or ClientAddresses.from(config)
 * String client = addresses.clientIp(request);                         // "203.0.113.7"
 * }</pre>
 *
 * Default (no trusted proxies): the remote address. Immutable and thread-safe.
 */
public final class ClientAddresses {
    /** What {@link #clientIp} answers when the address is not one {@code UsageEvent} accepts. */
    public static final String UNKNOWN = "unknown";
    private static final int MAX_HOPS = 32;

    private final List<IpRange> trusted;

    private ClientAddresses(List<IpRange> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    /** The addresses of {@code config}: believing {@code X-Forwarded-For} from its {@link ApiKeyFilterConfig#trustedProxies()}. */
    public static ClientAddresses from(ApiKeyFilterConfig config) {
        requireNonNull(config, "config");
        return trusting(config.trustedProxies().toArray(String[]::new));
    }

    /**
     * Believing {@code X-Forwarded-For} from these proxies: addresses or CIDR blocks, such as
     * {@code 10.0.0.0/8} or {@code ::1}. None: the remote address is always the client.
     *
     * @throws IllegalArgumentException if one is not an IP address or CIDR block
     */
    public static ClientAddresses trusting(String... proxies) {
        requireNonNull(proxies, "proxies");
        List<IpRange> ranges = new ArrayList<>(proxies.length);
        for (String p : proxies) {
            ranges.add(IpRange.parse(p));
        }
        return new ClientAddresses(ranges);
    }

    /**
     * The client's address — an IPv4 or IPv6 literal without brackets, as the container or the
     * trusted proxies wrote it — or {@link #UNKNOWN} if that is not text {@code UsageEvent} accepts
     * as a client IP ({@code [0-9A-Za-z:.%_-]{1,64}}). Reads the remote address and, only when it
     * is a trusted proxy, {@code X-Forwarded-For}.
     */
    public String clientIp(HttpServletRequest request) {
        requireNonNull(request, "request");
        String remote = unbracket(request.getRemoteAddr());
        if (trusted.isEmpty() || !isTrusted(IpRange.parseAddress(remote))) {
            return label(remote);
        }
        List<String> hops = forwardedFor(request);
        String client = remote;
        // The container bounds the header size; MAX_HOPS bounds the work on what it let through.
        for (int i = hops.size() - 1; i >= 0 && i >= hops.size() - MAX_HOPS; i--) {
            String hop = strip(hops.get(i));
            byte[] bytes = IpRange.parseAddress(hop);
            if (bytes == null) {
                break; // garbage where an address should be: stop at the last hop we could vouch for
            }
            client = hop;
            if (!isTrusted(bytes)) {
                break;
            }
        }
        return label(client);
    }

    private boolean isTrusted(byte[] bytes) {
        if (bytes == null) {
            return false;
        }
        for (IpRange r : trusted) {
            if (r.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> forwardedFor(HttpServletRequest request) {
        List<String> hops = new ArrayList<>();
        Enumeration<String> headers = request.getHeaders("X-Forwarded-For");
        while (headers != null && headers.hasMoreElements()) {
            for (String part : headers.nextElement().split(",")) {
                hops.add(part.strip());
            }
        }
        return hops;
    }

    private static String strip(String address) {
        return address == null ? "" : unbracket(address.strip());
    }

    /** {@code [::1]} as {@code ::1}; a container's remote address has no whitespace to strip. */
    private static String unbracket(String s) {
        if (s == null) {
            return "";
        }
        if (s.length() > 2 && s.charAt(0) == '[' && s.charAt(s.length() - 1) == ']') {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    /** The address if {@code UsageEvent} accepts it as a client IP, else {@link #UNKNOWN}. */
    private static String label(String address) {
        return Syntax.isClientIp(address) ? address : UNKNOWN;
    }
}
