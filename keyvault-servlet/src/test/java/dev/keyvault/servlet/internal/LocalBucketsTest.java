package dev.keyvault.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.servlet.Tier;
import dev.keyvault.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalBucketsTest {
    private final MutableClock clock = MutableClock.create();
    private final Tier tier = Tier.of("t", 1, Duration.ofSeconds(10), 2); // full again 20 s after emptying

    @Test
    void whenMoreKeysThanTheBoundThenMemoryStaysBoundedAndIdleBucketsGoFirst() {
        LocalBuckets buckets = new LocalBuckets(10, clock);
        for (int i = 0; i < 10; i++) {
            buckets.tryConsume("idle" + i, tier);
        }
        clock.advance(Duration.ofSeconds(30)); // the idle ones are full again
        buckets.tryConsume("busy", tier);
        buckets.tryConsume("busy", tier);

        buckets.tryConsume("newcomer", tier); // 12 > 10: sweeps the idle buckets

        assertThat(buckets.size()).isEqualTo(2);
        // the busy key kept its (empty) bucket: the sweep did not hand it a fresh one
        assertThat(buckets.tryConsume("busy", tier).allowed()).isFalse();
    }

    @Test
    void whenEveryBucketIsBusyThenTheBoundStillHolds() {
        LocalBuckets buckets = new LocalBuckets(100, clock);
        for (int i = 0; i < 1_000; i++) {
            buckets.tryConsume("key" + i, tier);
            assertThat(buckets.size()).isLessThanOrEqualTo(100);
        }
    }

    @Test
    void whenTheTierChangesThenTheKeyGetsABucketOfTheNewTier() {
        LocalBuckets buckets = new LocalBuckets(10, clock);
        buckets.tryConsume("k", tier);
        buckets.tryConsume("k", tier);
        assertThat(buckets.tryConsume("k", tier).allowed()).isFalse();

        Probe probe = buckets.tryConsume("k", Tier.of("t", 5, Duration.ofSeconds(1), 5));

        assertThat(probe.allowed()).isTrue();
        assertThat(probe.limit()).isEqualTo(5);
        assertThat(probe.remaining()).isEqualTo(4);
    }
}
