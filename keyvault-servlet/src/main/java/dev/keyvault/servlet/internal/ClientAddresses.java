package dev.keyvault.servlet.internal;

import dev.keyvault.Syntax;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/**
 * The client address usage is recorded under: the connection's remote address, unless that is
 * a configured trusted proxy, in which case {@code X-Forwarded-For} is read from the right, skipping
 * trusted proxies, and the first other hop is the client. Anyone can write {@code X-Forwarded-For},
 * so it is believed only as far as the chain of trusted proxies reaches. Immutable, thread-safe.
 */
public final class ClientAddresses {
    private static final String UNKNOWN = "unknown";
    private static final int MAX_HOPS = 32;

    private final List<IpRange> trusted;

    public ClientAddresses(List<IpRange> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    public String clientIp(HttpServletRequest request) {
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

    /** The address if {@code UsageEvent} accepts it as a client IP, else {@code unknown}. */
    private static String label(String address) {
        return Syntax.isClientIp(address) ? address : UNKNOWN;
    }
}
