package dev.keyvault.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.servlet.RateLimitProbe;
import dev.keyvault.servlet.Tier;
import dev.keyvault.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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

        RateLimitProbe probe = buckets.tryConsume("k", Tier.of("t", 5, Duration.ofSeconds(1), 5));

        assertThat(probe.allowed()).isTrue();
        assertThat(probe.tier().burst()).isEqualTo(5);
        assertThat(probe.remaining()).isEqualTo(4);
    }

    @Test
    void whenRequestsAreTakenThenTheResetIsTheWaitForOneMoreRequestAndRetryAfterIsTheSame() {
        LocalBuckets buckets = new LocalBuckets(10, clock);
        Tier tiny = Tier.of("tiny", 2, Duration.ofMinutes(1), 2); // one request back every 30 s

        assertThat(buckets.tryConsume("k", tiny)).isEqualTo(new RateLimitProbe(tiny, true, 1, 30));
        assertThat(buckets.tryConsume("k", tiny)).isEqualTo(new RateLimitProbe(tiny, true, 0, 30));
        RateLimitProbe refused = buckets.tryConsume("k", tiny);
        assertThat(refused).isEqualTo(new RateLimitProbe(tiny, false, 0, 30));
        assertThat(refused.retryAfterSeconds()).isEqualTo(30);

        clock.advance(Duration.ofSeconds(20));
        assertThat(buckets.tryConsume("k", tiny)).isEqualTo(new RateLimitProbe(tiny, false, 0, 10));
        clock.advance(Duration.ofSeconds(10));
        assertThat(buckets.tryConsume("k", tiny)).isEqualTo(new RateLimitProbe(tiny, true, 0, 30));
        clock.advance(Duration.ofSeconds(45));
        assertThat(buckets.tryConsume("k", tiny)).isEqualTo(new RateLimitProbe(tiny, true, 0, 15));
    }

    @Test
    void whenTheRefillIntervalIsNotWholeSecondsThenTheResetIsRoundedUpAndHolds() {
        LocalBuckets buckets = new LocalBuckets(10, clock);
        Tier odd = Tier.of("odd", 3, Duration.ofSeconds(10), 3); // one request back every 3.33 s

        assertThat(buckets.tryConsume("k", odd)).isEqualTo(new RateLimitProbe(odd, true, 2, 4));
        assertThat(buckets.tryConsume("k", odd)).isEqualTo(new RateLimitProbe(odd, true, 1, 4));
        assertThat(buckets.tryConsume("k", odd)).isEqualTo(new RateLimitProbe(odd, true, 0, 4));
        RateLimitProbe refused = buckets.tryConsume("k", odd);
        assertThat(refused).isEqualTo(new RateLimitProbe(odd, false, 0, 4));

        clock.advance(Duration.ofSeconds(3)); // not yet: 0.33 s to go
        assertThat(buckets.tryConsume("k", odd)).isEqualTo(new RateLimitProbe(odd, false, 0, 1));
        clock.advance(Duration.ofSeconds(1)); // waited what the refusal said: one request is there
        assertThat(buckets.tryConsume("k", odd).allowed()).isTrue();
    }

    @Test
    void whenWaitsAreRoundedThenWholeSecondsStayWholeAndAnyFractionCountsAsASecond() {
        assertThat(Probes.ceilSeconds(30_000_000_000L)).isEqualTo(30);
        assertThat(Probes.ceilSeconds(30_000_000_001L)).isEqualTo(30); // bucket4j's nanosecond rounding
        assertThat(Probes.ceilSeconds(30_001_000_000L)).isEqualTo(31);
        assertThat(Probes.ceilSeconds(1)).isEqualTo(1);
        assertThat(Probes.ceilSeconds(0)).isEqualTo(1);
    }

    @Test
    void whenManyThreadsTakeFromOneKeyAtOnceThenExactlyTheBurstIsGranted() throws Exception {
        Tier burst = Tier.of("burst", 1, Duration.ofHours(1), 5_000); // no refill within the test: the clock stands still
        LocalBuckets buckets = new LocalBuckets(10, clock);
        int threads = 8;
        int perThread = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Integer>> granted = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                granted.add(pool.submit(() -> {
                    go.await();
                    int n = 0;
                    for (int i = 0; i < perThread; i++) {
                        RateLimitProbe p = buckets.tryConsume("hot", burst);
                        assertThat(p.remaining()).isBetween(0L, 5_000L);
                        n += p.allowed() ? 1 : 0;
                    }
                    return n;
                }));
            }
            go.countDown();
            int total = 0;
            for (Future<Integer> f : granted) {
                total += f.get(60, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(5_000);
            assertThat(buckets.tryConsume("hot", burst).allowed()).isFalse();
        } finally {
            pool.shutdownNow();
        }
    }
}
