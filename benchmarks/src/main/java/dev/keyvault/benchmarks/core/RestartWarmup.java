package dev.keyvault.benchmarks.core;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyManagerBuilder;
import dev.keyvault.KeySpec;
import dev.keyvault.Peppers;
import dev.keyvault.benchmarks.Measurement;
import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.spi.KeyHasher;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A node restarts while its keys keep calling: a fresh manager (cold cache) on a store holding
 * {@code keys} active keys, and {@value #CALLERS} concurrent callers verifying them round-robin, each
 * key three times. Measured: the time until every key has verified once (warm), the latency of every
 * verify meanwhile, and the verifies that failed (a {@code CapacityExceededException} is a 503). The
 * store is in memory so only hashing counts. The default settings (HMAC-SHA-256 under a pepper) beside
 * Argon2id, in the same run.
 *
 * <p>Goals: with the defaults, 1,000 keys warm within 2 s with p99 ≤ 50 ms and no failure; 10,000 keys
 * warm within 10 s with no failure.
 */
public final class RestartWarmup {
    static final int CALLERS = 256;
    private static final int CALLS_PER_KEY = 3;

    private RestartWarmup() {}

    /** The default hasher, 1,000 keys. */
    public static final class Default1k implements Measurement {
        @Override
        public String name() {
            return "restart with 1,000 active keys, 256 concurrent callers, defaults (HMAC-SHA-256 + pepper)";
        }

        @Override
        public Result measure() throws Exception {
            Run r = run(1_000, null);
            return new Result(r.describe(), Argon2Reference.describe(), "warm in " + r.warmText(),
                    "warm ≤ 2 s, p99 ≤ 50 ms, 0 failed", r.warmMillis <= 2_000 && r.p99Millis <= 50 && r.failed == 0);
        }
    }

    /** The default hasher, 10,000 keys. */
    public static final class Default10k implements Measurement {
        @Override
        public String name() {
            return "restart with 10,000 active keys, 256 concurrent callers, defaults";
        }

        @Override
        public Result measure() throws Exception {
            Run r = run(10_000, null);
            return new Result(r.describe(), "—", "warm in " + r.warmText(), "warm ≤ 10 s, 0 failed",
                    r.warmMillis <= 10_000 && r.failed == 0);
        }
    }

    /** The same restart with Argon2id (OWASP defaults), the reference for the first row. */
    static final class Argon2Reference {
        private static String described;

        static synchronized String describe() throws Exception {
            if (described == null) {
                Run r = run(1_000, KeyHashers.argon2id());
                described = "Argon2id: " + r.describe();
            }
            return described;
        }
    }

    /** Runs both rows and the reference alone: {@code -Dbench.main=dev.keyvault.benchmarks.core.RestartWarmup}. */
    public static void main(String[] args) throws Exception {
        System.out.println(new Default1k().measure());
        System.out.println(new Default10k().measure());
    }

    static Run run(int keyCount, KeyHasher hasher) throws Exception {
        InMemoryKeyStore store = InMemoryKeyStore.create();
        byte[] pepper = new byte[32];
        new SecureRandom().nextBytes(pepper);
        List<IssuedKey> keys = new ArrayList<>(keyCount);
        try (KeyManager before = manager(store, hasher, pepper)) {
            for (int i = 0; i < keyCount; i++) {
                keys.add(before.issue(KeySpec.builder("tenant-" + (i % 97), "key " + i).build()));
            }
        }
        try (KeyManager restarted = manager(store, hasher, pepper)) {
            return drive(restarted, keys);
        }
    }

    private static KeyManager manager(InMemoryKeyStore store, KeyHasher hasher, byte[] pepper) {
        KeyManagerBuilder b = KeyManager.builder().store(store).usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO);
        return (hasher == null ? b.pepper(Peppers.of("bench", pepper)) : b.hasher(hasher)).build();
    }

    private static Run drive(KeyManager node, List<IssuedKey> keys) throws InterruptedException {
        int n = keys.size();
        int total = n * CALLS_PER_KEY;
        long[] latencies = new long[total];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLongArray firstOk = new AtomicLongArray(n);
        AtomicLong lastWarm = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < CALLERS; t++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                int i;
                while ((i = next.getAndIncrement()) < total) {
                    int k = i % n;
                    long a = System.nanoTime();
                    boolean ok;
                    try {
                        ok = node.verify(keys.get(k).token()).isVerified();
                    } catch (RuntimeException e) {
                        ok = false;
                        failed.incrementAndGet();
                    }
                    long b = System.nanoTime();
                    latencies[i] = b - a;
                    if (ok && firstOk.compareAndSet(k, 0, b)) {
                        lastWarm.accumulateAndGet(b, Math::max);
                    }
                }
            }, "caller-" + t);
            threads.add(th);
            th.start();
        }
        start.countDown();
        for (Thread th : threads) {
            th.join();
        }
        int warm = 0;
        for (int k = 0; k < n; k++) {
            if (firstOk.get(k) != 0) {
                warm++;
            }
        }
        Arrays.sort(latencies);
        Run r = new Run();
        r.keys = n;
        r.warmKeys = warm;
        r.warmMillis = warm == n ? (lastWarm.get() - t0) / 1e6 : Double.POSITIVE_INFINITY;
        r.p50Millis = latencies[total / 2] / 1e6;
        r.p99Millis = latencies[(int) (total * 0.99)] / 1e6;
        r.failed = failed.get();
        r.requests = total;
        return r;
    }

    static final class Run {
        int keys;
        int warmKeys;
        double warmMillis;
        double p50Millis;
        double p99Millis;
        int failed;
        int requests;

        String warmText() {
            return warmKeys == keys ? String.format(Locale.ROOT, "%.2f s", warmMillis / 1000)
                    : "never (" + warmKeys + " of " + keys + " keys verified)";
        }

        String describe() {
            return String.format(Locale.ROOT, "warm in %s, p50 %.2f ms, p99 %.2f ms, %d of %,d failed", warmText(), p50Millis,
                    p99Millis, failed, requests);
        }
    }
}
