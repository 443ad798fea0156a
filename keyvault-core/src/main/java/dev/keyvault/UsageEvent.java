package dev.keyvault;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * One use of a key, as passed to {@link KeyManager#recordUsage(String, UsageEvent)}.
 *
 * <p>Host-controlled fields are checked strictly: {@code method} matches
 * {@code [A-Z][A-Z0-9_-]{0,15}}; {@code endpoint} is a route label (such as {@code /articles/**},
 * not a raw path with ids, which would explode the number of rollups), non-blank text of at most
 * 200 characters; {@code clientIp} matches {@code [0-9A-Za-z:.%_-]{1,64}}; {@code status} is an
 * HTTP status 100–599; {@code consumer} is a label the host assigns to a known client (text, at
 * most 256 characters). The user agent comes from the client and is normalized instead: trimmed,
 * control and direction-formatting characters replaced by {@code ?}, cut to 256 characters, absent
 * if blank. {@code refusal} is why verification refused a request whose secret matched, when it was
 * refused by a key policy ({@link RejectionReason#IP_NOT_ALLOWED} or
 * {@link RejectionReason#CREDITS_EXHAUSTED}): such requests are kept apart in usage, so the usage audit
 * lists attempts from outside an allowlist.
 */
public record UsageEvent(
        Instant at,
        String method,
        String endpoint,
        String clientIp,
        int status,
        Optional<String> userAgent,
        Optional<String> consumer,
        Optional<RejectionReason> refusal) {

    public UsageEvent {
        requireNonNull(at, "at");
        Syntax.method(method);
        Syntax.text("endpoint", endpoint, Syntax.MAX_ENDPOINT);
        Syntax.clientIp(clientIp);
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP status 100-599, was " + status);
        }
        requireNonNull(userAgent, "userAgent");
        userAgent = userAgent.flatMap(UsageEvent::normalizeUserAgent);
        requireNonNull(consumer, "consumer");
        consumer.ifPresent(c -> Syntax.text("consumer", c, Syntax.MAX_CLIENT));
        requireNonNull(refusal, "refusal").ifPresent(r -> {
            if (r != RejectionReason.IP_NOT_ALLOWED && r != RejectionReason.CREDITS_EXHAUSTED) {
                throw new IllegalArgumentException("a usage refusal is IP_NOT_ALLOWED or CREDITS_EXHAUSTED, was " + r);
            }
        });
    }

    /** An event without a refusal (the form before key policies, kept for source compatibility). */
    public UsageEvent(Instant at, String method, String endpoint, String clientIp, int status, Optional<String> userAgent,
            Optional<String> consumer) {
        this(at, method, endpoint, clientIp, status, userAgent, consumer, Optional.empty());
    }

    /** An event without user agent or consumer label. */
    public static UsageEvent of(Instant at, String method, String endpoint, String clientIp, int status) {
        return new UsageEvent(at, method, endpoint, clientIp, status, Optional.empty(), Optional.empty());
    }

    /** An event with the client's {@code User-Agent} (normalized, see the class comment), validated once. */
    public static UsageEvent of(Instant at, String method, String endpoint, String clientIp, int status, String userAgent) {
        return new UsageEvent(at, method, endpoint, clientIp, status, Optional.of(requireNonNull(userAgent, "userAgent")),
                Optional.empty());
    }

    /** A copy with the client's {@code User-Agent} (normalized, see the class comment). */
    public UsageEvent withUserAgent(String userAgent) {
        return new UsageEvent(at, method, endpoint, clientIp, status, Optional.of(requireNonNull(userAgent, "userAgent")), consumer,
                refusal);
    }

    /** A copy with a host-assigned consumer label, which identifies the client better than IP + user agent. */
    public UsageEvent withConsumer(String consumer) {
        return new UsageEvent(at, method, endpoint, clientIp, status, userAgent, Optional.of(requireNonNull(consumer, "consumer")),
                refusal);
    }

    /**
     * A copy marking the request as refused by a key policy: {@link RejectionReason#IP_NOT_ALLOWED} or
     * {@link RejectionReason#CREDITS_EXHAUSTED}, the reason verification gave.
     */
    public UsageEvent withRefusal(RejectionReason refusal) {
        return new UsageEvent(at, method, endpoint, clientIp, status, userAgent, consumer,
                Optional.of(requireNonNull(refusal, "refusal")));
    }

    private static Optional<String> normalizeUserAgent(String raw) {
        if (isClean(raw)) {
            return Optional.of(raw); // the common case, checked without building a copy (runs per request)
        }
        String s = raw.strip();
        if (s.isEmpty()) {
            return Optional.empty();
        }
        int limit = Math.min(s.length(), Syntax.MAX_CLIENT);
        StringBuilder out = new StringBuilder(limit);
        for (int i = 0; i < limit; i++) {
            char c = s.charAt(i);
            boolean pairedHigh = Character.isHighSurrogate(c) && i + 1 < limit && Character.isLowSurrogate(s.charAt(i + 1));
            if (pairedHigh) {
                out.append(c).append(s.charAt(++i));
            } else if (Character.isISOControl(c) || Character.isSurrogate(c) || isDirectional(c)) {
                out.append('?');
            } else {
                out.append(c);
            }
        }
        String normalized = out.toString().strip();
        return normalized.isEmpty() ? Optional.empty() : Optional.of(normalized);
    }

    /** Non-empty, at most the limit, printable ASCII with no surrounding space: nothing to normalize. */
    private static boolean isClean(String s) {
        int n = s.length();
        if (n == 0 || n > Syntax.MAX_CLIENT || s.charAt(0) == ' ' || s.charAt(n - 1) == ' ') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDirectional(char c) {
        return c == '\u061C' || c == '\u200E' || c == '\u200F' || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
    }
}
