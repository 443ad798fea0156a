package dev.keyvault.benchmarks.core;

import java.util.concurrent.TimeUnit;

/**
 * Measures two operations alternately in one JVM, in short slices, so that whatever else the machine
 * does (these are shared 2-core VMs whose speed drifts by tens of percent between JMH forks) falls on
 * both sides equally. Each side runs its own batched loop ({@link Side#batch}), so the JIT sees one
 * call target per loop and neither side pays for timing calls per operation.
 */
final class Interleaved {
    private static volatile long sink;

    private Interleaved() {}

    /** One side: runs {@code n} operations and folds their results into a value (so none is dead code). */
    abstract static class Side {
        abstract long batch(int n);
    }

    /** Nanoseconds per operation of {@code a} and {@code b}: 40 + 120 alternating slices of 200 ms, batches of 1,000. */
    static double[] nanosPerOp(Side a, Side b) {
        return nanosPerOp(a, b, 1_000, 200, 40, 120);
    }

    /** Nanoseconds per operation of {@code a} and of {@code b}, measured in alternating slices. */
    static double[] nanosPerOp(Side a, Side b, int batch, long sliceMillis, int warmupSlices, int slices) {
        long sliceNanos = TimeUnit.MILLISECONDS.toNanos(sliceMillis);
        long[] ta = new long[2];
        long[] tb = new long[2];
        for (int i = 0; i < warmupSlices; i++) {
            slice(a, new long[2], batch, sliceNanos);
            slice(b, new long[2], batch, sliceNanos);
        }
        for (int i = 0; i < slices; i++) {
            if (i % 2 == 0) { // alternate which goes first
                slice(a, ta, batch, sliceNanos);
                slice(b, tb, batch, sliceNanos);
            } else {
                slice(b, tb, batch, sliceNanos);
                slice(a, ta, batch, sliceNanos);
            }
        }
        return new double[] {(double) ta[1] / ta[0], (double) tb[1] / tb[0]};
    }

    private static void slice(Side side, long[] into, int batch, long sliceNanos) {
        long start = System.nanoTime();
        long until = start + sliceNanos;
        long ops = 0;
        long acc = 0;
        long now;
        do {
            acc += side.batch(batch);
            ops += batch;
            now = System.nanoTime();
        } while (now < until);
        sink += acc;
        into[0] += ops;
        into[1] += now - start;
    }
}
