package dev.keyvault.servlet.internal;

import dev.keyvault.servlet.RateLimitProbe;
import dev.keyvault.servlet.Tier;
import io.github.bucket4j.ConsumptionProbe;

/**
 * bucket4j's answer turned into a {@link RateLimitProbe}, in the whole seconds of the
 * {@code RateLimit} header fields, and the text of header numbers.
 */
public final class Probes {
    /**
     * bucket4j rounds its waits up to whole nanoseconds, and a refill interval such as 10 s ÷ 7 is
     * not a whole number of them: this much slack keeps that rounding from adding a second.
     */
    private static final long ROUNDING_SLACK_NANOS = 1_000;
    private static final String[] SMALL = new String[1024];

    static {
        for (int i = 0; i < SMALL.length; i++) {
            SMALL[i] = Integer.toString(i).intern();
        }
    }

    private Probes() {}

    /** A header value of a count, without formatting (or allocating) the common small ones. */
    public static String text(long n) {
        return n >= 0 && n < SMALL.length ? SMALL[(int) n] : Long.toString(n);
    }

    /**
     * The probe of one request taken (or refused) from a bucket of {@code tier}. Its reset is the
     * time until the bucket holds one more request than it has left: for a refused request
     * bucket4j's wait for one token; for an allowed one, the wait until the bucket is full less
     * the refill time of the tokens after the next (bucket4j reports only the former).
     */
    public static RateLimitProbe of(ConsumptionProbe p, Tier tier) {
        long remaining = Math.min(Math.max(0, p.getRemainingTokens()), tier.burst());
        long waitNanos;
        if (p.isConsumed()) {
            double periodNanos = tier.period().getSeconds() * 1e9 + tier.period().getNano();
            double afterTheNext = (double) (tier.burst() - remaining - 1) * periodNanos / tier.requests();
            waitNanos = (long) Math.max(0, p.getNanosToWaitForReset() - afterTheNext);
        } else {
            waitNanos = p.getNanosToWaitForRefill();
        }
        return new RateLimitProbe(tier, p.isConsumed(), p.isConsumed() ? remaining : 0, ceilSeconds(waitNanos));
    }

    /** Whole seconds, rounded up, at least 1. */
    static long ceilSeconds(long nanos) {
        long n = nanos - ROUNDING_SLACK_NANOS;
        if (n <= 0) {
            return 1;
        }
        return Math.max(1, n / 1_000_000_000L + (n % 1_000_000_000L == 0 ? 0 : 1));
    }
}
