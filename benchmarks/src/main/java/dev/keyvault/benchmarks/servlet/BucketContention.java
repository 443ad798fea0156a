package dev.keyvault.benchmarks.servlet;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Duration;
import java.util.Locale;

/**
 * Why the filter's local buckets are synchronized: one bucket taken from by several threads at once
 * (one key's concurrent requests), bucket4j's default lock-free strategy against the synchronized
 * one, in alternating one-second rounds. Prints the CPU time per token (threads share
 * {@code min(threads, cores)} cores). Arguments: threads (default 4) and rounds (default 6).
 *
 * <pre>{@code mvn -q -Pbench -pl benchmarks -am package -DskipTests \
 *     -Dbench.main=dev.keyvault.benchmarks.servlet.BucketContention -Dbench.args="4 6"}</pre>
 */
public final class BucketContention {
    private static volatile long sink;

    private BucketContention() {}

    public static void main(String[] args) throws Exception {
        String[] a = args.length == 1 ? args[0].trim().split("\\s+") : args;
        int threads = a.length > 0 && !a[0].isEmpty() ? Integer.parseInt(a[0]) : 4;
        int rounds = a.length > 1 ? Integer.parseInt(a[1]) : 6;
        int cores = Math.min(threads, Runtime.getRuntime().availableProcessors());
        for (int round = 0; round < rounds; round++) {
            for (SynchronizationStrategy s : new SynchronizationStrategy[] {SynchronizationStrategy.LOCK_FREE,
                    SynchronizationStrategy.SYNCHRONIZED}) {
                long tokens = run(bucket(s), threads);
                System.out.printf(Locale.ROOT, "round %d  %-12s %6.1f ns of CPU per token (%d threads)%n", round, s,
                        cores * 1e9 / tokens, threads);
            }
        }
    }

    private static Bucket bucket(SynchronizationStrategy strategy) {
        // never runs dry within a round: only the synchronization is compared
        return Bucket.builder().addLimit(l -> l.capacity(1_000_000_000L).refillGreedy(1_000_000_000L, Duration.ofSeconds(1)))
                .withSynchronizationStrategy(strategy).withMillisecondPrecision().build();
    }

    /** Tokens taken by {@code threads} threads in one second. */
    private static long run(Bucket bucket, int threads) throws InterruptedException {
        long until = System.nanoTime() + 1_000_000_000L;
        long[] counts = new long[threads];
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int index = t;
            workers[t] = new Thread(() -> {
                long n = 0;
                long acc = 0;
                while (System.nanoTime() < until) {
                    for (int k = 0; k < 100; k++) {
                        acc += bucket.tryConsumeAndReturnRemaining(1).getRemainingTokens();
                        n++;
                    }
                }
                counts[index] = n;
                sink += acc;
            });
            workers[t].start();
        }
        long sum = 0;
        for (int t = 0; t < threads; t++) {
            workers[t].join();
            sum += counts[t];
        }
        return sum;
    }
}
