package dev.keyvault.servlet.internal;

import io.github.bucket4j.ConsumptionProbe;

/**
 * The outcome of taking one request from a key's bucket, in the units of the {@code RateLimit-*}
 * headers (draft-ietf-httpapi-ratelimit-headers): whole seconds, rounded up so a client that waits
 * that long is never refused again for the same reason.
 *
 * @param allowed           whether the request may proceed
 * @param limit             the bucket's capacity (the tier's burst)
 * @param remaining         requests left right now
 * @param retryAfterSeconds when refused: seconds until one request is available (at least 1)
 * @param resetSeconds      seconds until the bucket is full again
 */
public record Probe(boolean allowed, long limit, long remaining, long retryAfterSeconds, long resetSeconds) {
    private static final String[] SMALL = new String[1024];

    static {
        for (int i = 0; i < SMALL.length; i++) {
            SMALL[i] = Integer.toString(i).intern();
        }
    }

    /** A header value of a count, without formatting (or allocating) the common small ones. */
    static String text(long n) {
        return n >= 0 && n < SMALL.length ? SMALL[(int) n] : Long.toString(n);
    }


    static Probe of(ConsumptionProbe p, long limit) {
        long retry = p.isConsumed() ? 0 : Math.max(1, ceilSeconds(p.getNanosToWaitForRefill()));
        return new Probe(p.isConsumed(), limit, Math.max(0, p.getRemainingTokens()), retry,
                ceilSeconds(p.getNanosToWaitForReset()));
    }

    private static long ceilSeconds(long nanos) {
        if (nanos <= 0) {
            return 0;
        }
        return (nanos + 999_999_999L) / 1_000_000_000L;
    }
}
