package dev.keyvault.benchmarks.core;

import java.util.concurrent.TimeUnit;

/**
 * Measures two operations alternately in one JVM, in short slices, so that whatever else the machine
 * does (these are shared 2-core VMs whose speed drifts by tens of percent between JMH forks) falls on
 * both sides equally. Each side runs its own batched loop ({@link Side#batch}), so the JIT sees one
 * call target per loop and neither side pays for timing calls per operation.
 */
final class Interleaved {
    private static final int WARMUP_SLICES = 40;
    private static final int SLICES = 120;
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static volatile long sink;

    private Interleaved() {}

    /** One side: runs {@code n} operations and folds their results into a value (so none is dead code). */
    abstract static class Side {
        abstract long batch(int n);
    }

    /** Nanoseconds per operation of {@code a} and of {@code b}, measured in alternating slices. */
    static double[] nanosPerOp(Side a, Side b) {
        long[] ta = new long[2];
        long[] tb = new long[2];
        for (int i = 0; i < WARMUP_SLICES; i++) {
            slice(a, new long[2]);
            slice(b, new long[2]);
        }
        for (int i = 0; i < SLICES; i++) {
            if (i % 2 == 0) { // alternate which goes first
                slice(a, ta);
                slice(b, tb);
            } else {
                slice(b, tb);
                slice(a, ta);
            }
        }
        return new double[] {(double) ta[1] / ta[0], (double) tb[1] / tb[0]};
    }

    private static void slice(Side side, long[] into) {
        long start = System.nanoTime();
        long until = start + SLICE_NANOS;
        long ops = 0;
        long acc = 0;
        long now;
        do {
            acc += side.batch(1_000);
            ops += 1_000;
            now = System.nanoTime();
        } while (now < until);
        sink += acc;
        into[0] += ops;
        into[1] += now - start;
    }
}
