package dev.keyvault.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

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

        Probe probe = buckets.tryConsume("k", Tier.of("t", 5, Duration.ofSeconds(1), 5));

        assertThat(probe.allowed()).isTrue();
        assertThat(probe.limit()).isEqualTo(5);
        assertThat(probe.remaining()).isEqualTo(4);
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
                        Probe p = buckets.tryConsume("hot", burst);
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
