package dev.keyvault.benchmarks.core;

import dev.keyvault.VerificationResult;
import dev.keyvault.benchmarks.Measurement;
import java.util.Locale;

/**
 * The core goals measured with both sides interleaved in one JVM (see {@link Interleaved}); the
 * subjects and floors are exactly those of {@link HotVerifyBenchmark} and {@link RecordUsageBenchmark}.
 */
public final class InterleavedHotPaths {
    private InterleavedHotPaths() {}

    /** Hot verify of a cached valid key vs SHA-256 of the token + map get + isEqual; goal ≤ 2×. */
    public static final class HotVerify implements Measurement {
        @Override
        public String name() {
            return "hot verify, cached valid key vs SHA-256 + map get + isEqual (A/B slices interleaved)";
        }

        @Override
        public Result measure() throws Exception {
            HotVerifyBenchmark b = new HotVerifyBenchmark();
            b.setUp();
            try {
                double[] ns = Interleaved.nanosPerOp(new Interleaved.Side() {
                    @Override
                    long batch(int n) {
                        long acc = 0;
                        for (int i = 0; i < n; i++) {
                            VerificationResult r = b.hotVerify();
                            acc += r.isVerified() ? 1 : 0;
                        }
                        return acc;
                    }
                }, hotVerifyFloor(b));
                return ratio(ns, 2.0);
            } finally {
                b.tearDown();
            }
        }
    }

    /** Hot verify of a cached key with usage credits vs the same without; goal ≤ 1.5×. */
    public static final class CreditsHotVerify implements Measurement {
        @Override
        public String name() {
            return "hot verify, cached key with usage credits vs the same without credits (A/B slices interleaved)";
        }

        @Override
        public Result measure() throws Exception {
            CreditsHotVerifyBenchmark b = new CreditsHotVerifyBenchmark();
            b.setUp();
            try {
                double[] ns = Interleaved.nanosPerOp(new Interleaved.Side() {
                    @Override
                    long batch(int n) {
                        long acc = 0;
                        for (int i = 0; i < n; i++) {
                            acc += b.hotVerifyWithCredits().isVerified() ? 1 : 0;
                        }
                        return acc;
                    }
                }, new Interleaved.Side() {
                    @Override
                    long batch(int n) {
                        long acc = 0;
                        for (int i = 0; i < n; i++) {
                            acc += b.hotVerifyWithoutCredits().isVerified() ? 1 : 0;
                        }
                        return acc;
                    }
                });
                return ratio(ns, 1.5);
            } finally {
                b.tearDown();
            }
        }
    }

    /** Malformed-token rejection, absolute; goal ≤ 150 ns. */
    public static final class Malformed implements Measurement {
        @Override
        public String name() {
            return "malformed token rejected (right length, bad checksum), batched in one JVM";
        }

        @Override
        public Result measure() throws Exception {
            HotVerifyBenchmark b = new HotVerifyBenchmark();
            b.setUp();
            try {
                double[] ns = Interleaved.nanosPerOp(new Interleaved.Side() {
                    @Override
                    long batch(int n) {
                        long acc = 0;
                        for (int i = 0; i < n; i++) {
                            acc += b.malformedRejection().isVerified() ? 1 : 0;
                        }
                        return acc;
                    }
                }, hotVerifyFloor(b));
                return new Result(String.format(Locale.ROOT, "%.0f ns/op", ns[0]), "—", "—", "≤ 150 ns", ns[0] <= 150);
            } finally {
                b.tearDown();
            }
        }
    }

    /** Cold verify (cache bypassed, Argon2id defaults) vs one argon2-jvm verify alone; goal ≤ 1.15×. */
    public static final class ColdVerify implements Measurement {
        @Override
        public String name() {
            return "cold verify (cache bypassed) vs one Argon2id verify (A/B slices interleaved)";
        }

        @Override
        public Result measure() throws Exception {
            ColdVerifyBenchmark b = new ColdVerifyBenchmark();
            b.setUp();
            try {
                double[] ns = Interleaved.nanosPerOp(new Interleaved.Side() {
                    @Override
                    long batch(int n) {
                        long acc = 0;
                        for (int i = 0; i < n; i++) {
                            acc += b.coldVerify().isVerified() ? 1 : 0;
                        }
                        return acc;
                    }
                }, new Interleaved.Side() {
                    @Override
                    long batch(int n) {
                        long acc = 0;
                        for (int i = 0; i < n; i++) {
                            acc += b.coldVerifyFloor() ? 1 : 0;
                        }
                        return acc;
                    }
                }, 1, 500, 6, 60);
                return ratio(ns, 1.15, 1e6, "ms/op");
            } finally {
                b.tearDown();
            }
        }
    }

    /** recordUsage vs computeIfAbsent + LongAdder.increment; goal ≤ 3×. */
    public static final class RecordUsage implements Measurement {
        @Override
        public String name() {
            return "recordUsage vs computeIfAbsent + LongAdder.increment (A/B slices interleaved)";
        }

        @Override
        public Result measure() throws Exception {
            RecordUsageBenchmark b = new RecordUsageBenchmark();
            b.setUp();
            try {
                double[] ns = Interleaved.nanosPerOp(new Interleaved.Side() {
                    @Override
                    long batch(int n) {
                        for (int i = 0; i < n; i++) {
                            b.recordUsage();
                        }
                        return n;
                    }
                }, new Interleaved.Side() {
                    @Override
                    long batch(int n) {
                        for (int i = 0; i < n; i++) {
                            b.recordUsageFloor();
                        }
                        return n;
                    }
                });
                return ratio(ns, 3.0);
            } finally {
                b.tearDown();
            }
        }
    }

    /** The floor of the verify goals, as one side of an interleaved measurement. */
    private static Interleaved.Side hotVerifyFloor(HotVerifyBenchmark b) {
        return new Interleaved.Side() {
            @Override
            long batch(int n) {
                long acc = 0;
                for (int i = 0; i < n; i++) {
                    acc += b.hotVerifyFloor() ? 1 : 0;
                }
                return acc;
            }
        };
    }

    private static Measurement.Result ratio(double[] ns, double goal) {
        return ratio(ns, goal, 1, "ns/op");
    }

    /** Subject and floor in {@code unit} ({@code nanosPerUnit} ns each) and their ratio against a goal. */
    private static Measurement.Result ratio(double[] ns, double goal, double nanosPerUnit, String unit) {
        double r = ns[0] / ns[1];
        return new Measurement.Result(String.format(Locale.ROOT, "%.1f %s", ns[0] / nanosPerUnit, unit),
                String.format(Locale.ROOT, "%.1f %s", ns[1] / nanosPerUnit, unit), String.format(Locale.ROOT, "%.2f×", r),
                "≤ " + goal + "×", r <= goal);
    }

}
