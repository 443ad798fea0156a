package dev.keyvault.console.internal;

import static java.util.Objects.requireNonNull;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The console's own CSRF tokens: {@code base64url(issued-at seconds ‖ 16 random bytes) "." base64url(HMAC-SHA-256)}
 * with the MAC over the user id and the first part, under a server key. Stateless (no session needed),
 * bound to the user (one user's token is worthless for another), valid for {@link #LIFETIME}, compared
 * in constant time. Besides the token, a request whose {@code Sec-Fetch-Site} is {@code cross-site} or
 * {@code same-site}, or whose {@code Origin} names another host, is refused. Thread-safe.
 */
public final class CsrfTokens {
    public static final String HEADER = "X-CSRF-Token";
    static final Duration LIFETIME = Duration.ofHours(12);
    private static final Duration SKEW = Duration.ofMinutes(5);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final int PAYLOAD = 8 + 16;

    private final SecretKeySpec key;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public CsrfTokens(byte[] secret, Clock clock) {
        this.key = new SecretKeySpec(requireNonNull(secret, "secret"), "HmacSHA256");
        this.clock = requireNonNull(clock, "clock");
    }

    /** A fresh token for {@code userId}. */
    public String issue(String userId) {
        byte[] payload = new byte[PAYLOAD];
        ByteBuffer.wrap(payload).putLong(clock.instant().getEpochSecond());
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, payload, 8, 16);
        String first = B64.encodeToString(payload);
        return first + "." + B64.encodeToString(mac(userId, first));
    }

    /**
     * Checks a state-changing request made by {@code userId}.
     *
     * @throws ApiProblem 403 {@link Problems#CSRF} if it fails
     */
    public void check(HttpServletRequest request, String userId) {
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null) {
            String s = site.trim().toLowerCase(Locale.ROOT);
            if (s.equals("cross-site") || s.equals("same-site")) {
                throw Problems.csrf("Requests from other sites are refused");
            }
        }
        String origin = request.getHeader("Origin");
        if (origin != null && !sameHost(origin, request.getHeader("Host"))) {
            throw Problems.csrf("Requests from other origins are refused");
        }
        java.util.Enumeration<String> values = request.getHeaders(HEADER);
        String token = values.hasMoreElements() ? values.nextElement() : null;
        if (token == null || values.hasMoreElements()) {
            throw Problems.csrf("Send the token from GET api/session in the " + HEADER + " header");
        }
        if (!valid(token, userId)) {
            throw Problems.csrf("The " + HEADER + " token is invalid or expired; reload the page");
        }
    }

    boolean valid(String token, String userId) {
        if (token.length() > 200) {
            return false;
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.')) {
            return false;
        }
        String first = token.substring(0, dot);
        byte[] payload;
        byte[] presented;
        try {
            payload = B64D.decode(first);
            presented = B64D.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (payload.length != PAYLOAD) {
            return false;
        }
        if (!MessageDigest.isEqual(mac(userId, first), presented)) {
            return false;
        }
        Instant issued = Instant.ofEpochSecond(ByteBuffer.wrap(payload).getLong());
        Instant now = clock.instant();
        return !issued.isAfter(now.plus(SKEW)) && issued.plus(LIFETIME).isAfter(now);
    }

    private byte[] mac(String userId, String first) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update("keyvault-console-csrf-v1\0".getBytes(StandardCharsets.UTF_8));
            mac.update(userId.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return mac.doFinal(first.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /** Whether an {@code Origin} ({@code scheme://host[:port]}) names the host the request was sent to. */
    static boolean sameHost(String origin, String host) {
        if (host == null || origin.equals("null")) {
            return false;
        }
        int scheme = origin.indexOf("://");
        if (scheme < 0) {
            return false;
        }
        String authority = origin.substring(scheme + 3);
        if (authority.isEmpty() || authority.contains("/")) {
            return false;
        }
        // The scheme is left out: behind a TLS-terminating proxy the page is https and the request
        // reaches the container as http; the host and port are what a forging site cannot match.
        String normalizedHost = host.trim().toLowerCase(Locale.ROOT);
        String normalizedOrigin = authority.toLowerCase(Locale.ROOT);
        return normalizedOrigin.equals(normalizedHost)
                || normalizedOrigin.equals(stripDefaultPort(normalizedHost))
                || stripDefaultPort(normalizedOrigin).equals(stripDefaultPort(normalizedHost));
    }

    private static String stripDefaultPort(String authority) {
        if (authority.endsWith(":80")) {
            return authority.substring(0, authority.length() - 3);
        }
        if (authority.endsWith(":443")) {
            return authority.substring(0, authority.length() - 4);
        }
        return authority;
    }
}
