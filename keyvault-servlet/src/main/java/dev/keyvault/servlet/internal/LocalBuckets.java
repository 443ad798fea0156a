package dev.keyvault.servlet.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keyvault.servlet.Tier;
import io.github.bucket4j.Bucket;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * Buckets in this JVM: a bounded Caffeine cache of bucket4j lock-free buckets. An entry idle for
 * as long as the slowest tier takes to refill is dropped — a new one would be full as well, so
 * that changes nothing. Size-based eviction (W-TinyLFU) keeps the busy keys' buckets.
 */
public final class LocalBuckets implements Buckets {
    /** By key id alone (no string building per request); the entry remembers the tier it was made for. */
    private final Cache<String, Entry> buckets;
    private final ClockTimeMeter time;

    public LocalBuckets(long maximumKeys, Clock clock, Collection<Tier> tiers) {
        this.time = new ClockTimeMeter(clock);
        Duration idle = Duration.ofMinutes(1);
        for (Tier t : tiers) {
            Duration fill = timeToFill(t);
            if (fill.compareTo(idle) > 0) {
                idle = fill;
            }
        }
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maximumKeys)
                .expireAfterAccess(idle)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                // Housekeeping on the request thread, amortized, instead of waking a ForkJoinPool
                // thread every few reads: on a busy server that wake-up costs more than the work.
                .executor(Runnable::run)
                .build();
    }

    @Override
    public Probe tryConsume(String keyId, Tier tier) {
        Entry entry = buckets.getIfPresent(keyId); // no capturing lambda on the hot path
        if (entry == null) {
            entry = buckets.get(keyId, k -> new Entry(tier, newBucket(tier)));
        }
        if (entry.tier != tier && !entry.tier.equals(tier)) {
            // Only if one filter's config is swapped for another with other numbers: start afresh.
            Entry fresh = new Entry(tier, newBucket(tier));
            entry = buckets.asMap().merge(keyId, fresh, (old, f) -> old.tier.equals(f.tier) ? old : f);
        }
        return Probe.of(entry.bucket.tryConsumeAndReturnRemaining(1), tier.burst());
    }

    private Bucket newBucket(Tier tier) {
        return Bucket.builder()
                .addLimit(l -> l.capacity(tier.burst()).refillGreedy(tier.requests(), tier.period()))
                .withCustomTimePrecision(time)
                .build();
    }

    private record Entry(Tier tier, Bucket bucket) {}

    static Duration timeToFill(Tier t) {
        double millis = Math.ceil((double) t.burst() * t.period().toMillis() / t.requests());
        return Duration.ofMillis((long) Math.min(millis, (double) Duration.ofDays(365).toMillis()));
    }
}
