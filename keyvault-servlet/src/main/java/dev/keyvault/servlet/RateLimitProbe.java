package dev.keyvault.servlet;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of taking one request from a key's bucket ({@link RateLimiter#tryConsume}), and the
 * values of the {@code RateLimit-Policy} and {@code RateLimit} header fields that announce it
 * (draft-ietf-httpapi-ratelimit-headers, -09 and later). A tier is a token bucket holding at most
 * {@code burst} requests and refilled smoothly with {@code requests} per {@code period}; the
 * fields describe it as:
 *
 * <ul>
 *   <li>{@code RateLimit-Policy: "<tier>";q=<burst>;w=<seconds to refill the whole bucket>} — the
 *       policy, the same on every response of a tier: {@code q} is the most requests the key may
 *       make at once, {@code w} the seconds an empty bucket takes to fill
 *       ({@code burst × period ÷ requests}, rounded up to a whole second, at least 1), so
 *       {@code q/w} is the tier's sustained rate (never more than it, when rounded);</li>
 *   <li>{@code RateLimit: "<tier>";r=<remaining>;t=<reset seconds>} — this key now: {@code r}
 *       requests it may make right away, and within {@code t} seconds the bucket holds one more
 *       request than {@code r} (for a bucket that was full before this request: one refill
 *       interval, {@code period ÷ requests}). Rounded up to a whole second, at least 1.</li>
 * </ul>
 *
 * A refused request ({@code allowed == false}) has {@code r=0} and a {@code Retry-After} of
 * exactly {@code t}: waiting that long makes one request available, and no field points at a
 * later moment than another. Not "time until the bucket is full": a client that needs one request
 * is told when it can make one.
 *
 * <p>{@code Tier.of("standard", 600, Duration.ofMinutes(1), 100)}, after a request that left 42:
 * {@code RateLimit-Policy: "standard";q=100;w=10} and {@code RateLimit: "standard";r=42;t=1}.
 * Numbers are capped at 999,999,999,999,999, the largest structured-field integer. Immutable.
 *
 * @param tier         the tier whose bucket the request was taken from
 * @param allowed      whether the request may proceed
 * @param remaining    requests the key may make right now, 0 to the tier's burst
 * @param resetSeconds seconds until the bucket holds one more request than {@code remaining},
 *                     rounded up, at least 1; when refused, the {@code Retry-After}
 */
public record RateLimitProbe(Tier tier, boolean allowed, long remaining, long resetSeconds) {
    /** The largest Integer of a structured field (RFC 9651 §3.3.1). */
    private static final long MAX_SF_INTEGER = 999_999_999_999_999L;

    public RateLimitProbe {
        requireNonNull(tier, "tier");
        if (remaining < 0 || remaining > tier.burst()) {
            throw new IllegalArgumentException("remaining must be 0 to the tier's burst, was " + remaining);
        }
        if (resetSeconds < 1) {
            throw new IllegalArgumentException("resetSeconds must be at least 1, was " + resetSeconds);
        }
        if (!allowed && remaining != 0) {
            throw new IllegalArgumentException("a refused request leaves nothing remaining");
        }
    }

    /** The {@code Retry-After} seconds of a refused request ({@link #resetSeconds()}), 0 if it was allowed. */
    public long retryAfterSeconds() {
        return allowed ? 0 : resetSeconds;
    }

    /** The {@code RateLimit-Policy} field value of {@link #tier()}, such as {@code "standard";q=100;w=10}. */
    public String policyField() {
        return policyField(tier);
    }

    /** The {@code RateLimit} field value, such as {@code "standard";r=42;t=1}. */
    public String field() {
        return "\"" + tier.name() + "\";r=" + integer(remaining) + ";t=" + integer(resetSeconds);
    }

    /** The {@code RateLimit-Policy} field value of a tier: see the class comment. */
    static String policyField(Tier tier) {
        return "\"" + tier.name() + "\";q=" + integer(tier.burst()) + ";w=" + windowSeconds(tier);
    }

    /** Seconds an empty bucket of {@code tier} takes to fill, rounded up, at least 1. */
    static long windowSeconds(Tier tier) {
        double periodSeconds = tier.period().getSeconds() + tier.period().getNano() / 1e9;
        double seconds = Math.ceil((double) tier.burst() * periodSeconds / tier.requests());
        return Math.max(1, (long) Math.min(seconds, MAX_SF_INTEGER));
    }

    /** Capped to what a structured-field Integer can hold; the values are never negative. */
    static long integer(long n) {
        return Math.min(n, MAX_SF_INTEGER);
    }
}
