package dev.keyvault.servlet.internal;

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
        if (trusted.isEmpty() || !isTrusted(remote)) {
            return label(remote);
        }
        List<String> hops = forwardedFor(request);
        String client = remote;
        // The container bounds the header size; MAX_HOPS bounds the work on what it let through.
        for (int i = hops.size() - 1; i >= 0 && i >= hops.size() - MAX_HOPS; i--) {
            String hop = strip(hops.get(i));
            if (IpRange.parseAddress(hop) == null) {
                break; // garbage where an address should be: stop at the last hop we could vouch for
            }
            client = hop;
            if (!isTrusted(hop)) {
                break;
            }
        }
        return label(client);
    }

    private boolean isTrusted(String address) {
        byte[] bytes = IpRange.parseAddress(address);
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

    /** keyvault-core's {@code UsageEvent} client IP syntax, {@code [0-9A-Za-z:.%_-]{1,64}}, without a regex per request. */
    private static String label(String address) {
        int n = address.length();
        if (n == 0 || n > 64) {
            return UNKNOWN;
        }
        for (int i = 0; i < n; i++) {
            char c = address.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
                    || c == ':' || c == '.' || c == '%' || c == '_' || c == '-';
            if (!ok) {
                return UNKNOWN;
            }
        }
        return address;
    }
}
