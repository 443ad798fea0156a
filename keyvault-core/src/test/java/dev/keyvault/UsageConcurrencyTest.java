package dev.keyvault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Usage coalescing is exact under concurrency: no increment lost, none counted twice. */
class UsageConcurrencyTest {
    private static final int THREADS = 8;
    private static final int CALLS_PER_THREAD = 50_000;

    @Test
    void whenEightThreadsRecordWhileAnotherFlushesThenStoredCountsEqualTheCalls() throws Exception {
        MutableClock clock = MutableClock.create();
        InMemoryKeyStore store = InMemoryKeyStore.create();
        KeyManager keys = KeyManager.builder().store(store).clock(clock).hasher(KeyHashers.hmacSha256())
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build();
        List<IssuedKey> issued = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            issued.add(keys.issue(KeySpec.builder("acme", "k" + i).build()));
        }
        Instant t0 = clock.instant();
        String[] endpoints = {"/a", "/b", "/c"};
        String[] ips = {"10.0.0.1", "10.0.0.2"};
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
        long flushes;
        try {
            List<Future<?>> recorders = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                recorders.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < CALLS_PER_THREAD; i++) {
                        // spread over 3 minutes so rollups of past minutes get retired while recorders race
                        Instant at = t0.plusMillis((long) i * 180_000 / CALLS_PER_THREAD);
                        keys.recordUsage(issued.get((thread + i) % 4).id(),
                                UsageEvent.of(at, "GET", endpoints[i % 3], ips[(i / 3) % 2], 200));
                    }
                    return null;
                }));
            }
            Future<Long> flusher = pool.submit(() -> {
                long n = 0;
                start.await();
                while (!done.get()) {
                    keys.flush();
                    n++;
                }
                return n;
            });
            start.countDown();
            for (Future<?> f : recorders) {
                f.get();
            }
            done.set(true);
            flushes = flusher.get();
            keys.flush();
        } finally {
            pool.shutdownNow();
        }
        long stored = 0;
        Instant lastSeen = Instant.MIN;
        for (IssuedKey k : issued) {
            for (UsageRollup r : keys.usage(k.id(), t0.minusSeconds(60), t0.plus(Duration.ofMinutes(10)))) {
                stored += r.count();
                lastSeen = r.lastSeen().isAfter(lastSeen) ? r.lastSeen() : lastSeen;
            }
        }
        assertThat(flushes).as("flushes interleaved with recording").isGreaterThan(1);
        assertThat(stored).isEqualTo((long) THREADS * CALLS_PER_THREAD);
        assertThat(keys.stats().unflushedRequests()).isZero();
        assertThat(keys.stats().droppedRequests()).isZero();
        Instant expectedLast = t0.plusMillis((long) (CALLS_PER_THREAD - 1) * 180_000 / CALLS_PER_THREAD);
        assertThat(lastSeen).isEqualTo(expectedLast);
        keys.close();
    }
}
