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
    private final Cache<String, Bucket> buckets;
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
                .build();
    }

    @Override
    public Probe tryConsume(String keyId, Tier tier) {
        Bucket bucket = buckets.get(Buckets.bucketKey(keyId, tier), k -> Bucket.builder()
                .addLimit(l -> l.capacity(tier.burst()).refillGreedy(tier.requests(), tier.period()))
                .withCustomTimePrecision(time)
                .build());
        return Probe.of(bucket.tryConsumeAndReturnRemaining(1), tier.burst());
    }

    static Duration timeToFill(Tier t) {
        double millis = Math.ceil((double) t.burst() * t.period().toMillis() / t.requests());
        return Duration.ofMillis((long) Math.min(millis, (double) Duration.ofDays(365).toMillis()));
    }
}
