package dev.keyvault.servlet;

import static java.util.Objects.requireNonNull;

import dev.keyvault.servlet.internal.ClockTimeMeter;
import dev.keyvault.servlet.internal.IpRange;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Clock;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts failed key verifications per client address and says when an address has had too many:
 * the check an entry point makes after resolving the credential and before verifying it, so a
 * flood of wrong keys from one address costs a map lookup each instead of a slow hash. A failure
 * is a malformed, unknown or wrong key (answered 401); a revoked or expired key proved its secret
 * and is not one, nor is a request refused for any other reason.
 *
 * <pre>{@code
 * FailureLimiter failures = FailureLimiter.create(FailureLimit.DEFAULT, clock);
 * String client = addresses.clientIp(request);
 * long wait = failures.secondsToWait(client);
 * if (wait > 0) { responses.tooManyFailures(response, wait); return; } // 429, key not verified
 * ... verify; on MALFORMED, UNKNOWN or INVALID: failures.failed(client);
 * }</pre>
 *
 * <p>In this JVM: a bucket4j bucket per address that has failed, refilled as the
 * {@link FailureLimit} says (by default 20 failures at once, then 20 a minute), timed by the given
 * clock. An address without failures has no entry, so asking about it costs a map lookup — and
 * nothing at all while {@link #isIdle()}, when a caller need not even resolve the client address.
 * An address is forgotten once its bucket has refilled: when it is next looked up, or by the sweep
 * a new address starts at most once per refill time.
 *
 * <p>IPv4 addresses count one by one; IPv6 addresses count by their /64 prefix, the block one
 * subscriber is usually given — otherwise a single host could take a fresh address for every few
 * attempts. Any other text (such as {@link ClientAddresses#UNKNOWN}) counts as itself.
 *
 * <p>Memory is bounded: at most {@value #MAXIMUM_ADDRESSES} addresses. When a new address makes
 * the map grow past that, that request sweeps — first every address whose bucket has refilled
 * (dropping it changes nothing), then addresses that are not currently limited (they lose the
 * failures they had), then, if every tracked address is limited, arbitrary ones until a tenth of
 * the room is free: those get a fresh allowance early, the price of the bound. Sweeps are O(n), at
 * most one per n/10 new addresses. Thread-safe.
 */
public final class FailureLimiter {
    /** How many addresses are tracked at most: a few hundred bytes each. */
    public static final int MAXIMUM_ADDRESSES = 10_000;

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final FailureLimit limit;
    private final long refillMillis;
    private final int maximumAddresses;
    private final Clock clock;
    private final ClockTimeMeter time;
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private volatile long lastSweep;

    FailureLimiter(FailureLimit limit, int maximumAddresses, Clock clock) {
        this.limit = limit;
        this.maximumAddresses = maximumAddresses;
        this.clock = clock;
        this.time = new ClockTimeMeter(clock);
        double millis = Math.ceil((double) limit.burst() * limit.period().toMillis() / limit.failures());
        this.refillMillis = (long) Math.min(millis, (double) Long.MAX_VALUE / 4);
        this.lastSweep = clock.millis();
    }

    /**
     * A limiter allowing {@code limit} per address, timed by {@code clock} (with an
     * {@link ApiKeyFilterConfig}: {@code config.failureLimit().map(l -> FailureLimiter.create(l, clock))},
     * the clock being {@link ApiKeyFilterConfig#clock()} or else the {@code KeyManager}'s).
     */
    public static FailureLimiter create(FailureLimit limit, Clock clock) {
        requireNonNull(limit, "limit");
        requireNonNull(clock, "clock");
        return new FailureLimiter(limit, MAXIMUM_ADDRESSES, clock);
    }

    /** Whether no address has failed lately: then no request needs its client address resolved. */
    public boolean isIdle() {
        return entries.isEmpty();
    }

    /**
     * Seconds until {@code address} may have a key verified again (at least 1), or 0 if it may now.
     * Takes nothing from its bucket.
     */
    public long secondsToWait(String address) {
        requireNonNull(address, "address");
        String key = key(address);
        Entry e = entries.get(key);
        if (e == null) {
            return 0;
        }
        EstimationProbe probe = e.bucket.estimateAbilityToConsume(1);
        if (probe.canBeConsumed()) {
            if (clock.millis() - e.lastFailure >= refillMillis) {
                entries.remove(key, e); // refilled: forgetting it changes nothing
            }
            return 0;
        }
        long nanos = probe.getNanosToWaitForRefill();
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    /** Counts one failed verification (a malformed, unknown or wrong key) of a key {@code address} presented. */
    public void failed(String address) {
        requireNonNull(address, "address");
        String key = key(address);
        long now = clock.millis();
        Entry e = entries.get(key);
        boolean added = false;
        if (e == null) {
            Entry fresh = new Entry(newBucket(), now);
            e = entries.putIfAbsent(key, fresh);
            if (e == null) {
                e = fresh;
                added = true;
            }
        }
        e.lastFailure = now;
        e.bucket.tryConsume(1);
        if (added) {
            boolean overBound = entries.size() > maximumAddresses;
            if (overBound || now - lastSweep >= refillMillis) {
                sweep(now, overBound);
            }
        }
    }

    /** How many addresses are tracked now (for tests). */
    int size() {
        return entries.size();
    }

    /** Drops refilled addresses; {@code overBound}: then makes room down to 90 % of the bound. */
    private void sweep(long now, boolean overBound) {
        if (!sweeping.compareAndSet(false, true)) {
            return;
        }
        try {
            lastSweep = now;
            entries.values().removeIf(e -> now - e.lastFailure >= refillMillis);
            if (!overBound) {
                return;
            }
            int target = maximumAddresses - Math.max(1, maximumAddresses / 10);
            for (Iterator<Entry> it = entries.values().iterator(); it.hasNext() && entries.size() > target; ) {
                if (it.next().bucket.estimateAbilityToConsume(1).canBeConsumed()) {
                    it.remove();
                }
            }
            for (Iterator<Entry> it = entries.values().iterator(); it.hasNext() && entries.size() > target; ) {
                it.next();
                it.remove();
            }
        } finally {
            sweeping.set(false);
        }
    }

    /** The address itself for IPv4 (and IPv4-mapped IPv6), the /64 prefix for IPv6, the label itself otherwise. */
    static String key(String address) {
        if (address.indexOf(':') < 0) {
            return address;
        }
        byte[] bytes = IpRange.parseAddress(address);
        if (bytes == null) {
            return address;
        }
        if (bytes.length == 4) {
            return (bytes[0] & 0xFF) + "." + (bytes[1] & 0xFF) + "." + (bytes[2] & 0xFF) + "." + (bytes[3] & 0xFF);
        }
        StringBuilder prefix = new StringBuilder(24);
        for (int i = 0; i < 8; i += 2) {
            prefix.append(Integer.toHexString((bytes[i] & 0xFF) << 8 | (bytes[i + 1] & 0xFF))).append(':');
        }
        return prefix.append(":/64").toString();
    }

    /** Synchronized for the reason the local rate-limit buckets give: a flood from one address contends on one bucket. */
    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(l -> l.capacity(limit.burst()).refillGreedy(limit.failures(), limit.period()))
                .withCustomTimePrecision(time)
                .withSynchronizationStrategy(SynchronizationStrategy.SYNCHRONIZED)
                .build();
    }

    private static final class Entry {
        final Bucket bucket;
        volatile long lastFailure;

        Entry(Bucket bucket, long lastFailure) {
            this.bucket = bucket;
            this.lastFailure = lastFailure;
        }
    }
}
