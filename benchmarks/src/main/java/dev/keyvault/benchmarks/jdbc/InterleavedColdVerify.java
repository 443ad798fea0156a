package dev.keyvault.benchmarks.jdbc;

import dev.keyvault.benchmarks.Measurement;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The figure of {@link PostgresColdVerifyBenchmark}, measured so that load from outside the run cannot
 * tilt it: JMH runs the subject and the floor in separate forks, a minute apart, and on a shared
 * machine the other processes' load changes in between (by several times, here). Here both run in one
 * JVM on one database, warmed alike, alternating in half-second slices for 40 seconds, so whatever the
 * rest of the machine does falls on both sides equally.
 */
public final class InterleavedColdVerify implements Measurement {
    private static final int SLICES = 80;
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final double GOAL = 1.3;

    @Override
    public String name() {
        return "cold verify (HMAC, cache off) on PostgreSQL vs bare JDBI SELECT by primary key (A/B slices interleaved)";
    }

    @Override
    public Result measure() {
        PostgresColdVerifyBenchmark bench = new PostgresColdVerifyBenchmark();
        bench.setUp();
        long[] verify = new long[2]; // {ops, nanos}
        long[] select = new long[2];
        try {
            for (int i = 0; i < 10; i++) { // warm-up, not counted
                slice(bench, true, new long[2]);
                slice(bench, false, new long[2]);
            }
            for (int i = 0; i < SLICES; i++) {
                // alternate which goes first, so neither always follows the other's garbage
                boolean verifyFirst = i % 2 == 0;
                slice(bench, verifyFirst, verifyFirst ? verify : select);
                slice(bench, !verifyFirst, verifyFirst ? select : verify);
            }
        } finally {
            bench.tearDown();
        }
        double verifyMicros = verify[1] / 1e3 / verify[0];
        double selectMicros = select[1] / 1e3 / select[0];
        double ratio = verifyMicros / selectMicros;
        return new Result(
                String.format(Locale.ROOT, "%.1f µs/op", verifyMicros),
                String.format(Locale.ROOT, "%.1f µs/op", selectMicros),
                String.format(Locale.ROOT, "%.2f×", ratio),
                "≤ " + GOAL + "×",
                ratio <= GOAL);
    }

    private static void slice(PostgresColdVerifyBenchmark bench, boolean coldVerify, long[] into) {
        long start = System.nanoTime();
        long until = start + SLICE_NANOS;
        long ops = 0;
        long now;
        do {
            if (coldVerify) {
                if (!bench.coldVerify().isVerified()) {
                    throw new IllegalStateException("a key did not verify");
                }
            } else if (bench.bareSelect() == null) {
                throw new IllegalStateException("no row");
            }
            ops++;
            now = System.nanoTime();
        } while (now < until);
        into[0] += ops;
        into[1] += now - start;
    }
}
