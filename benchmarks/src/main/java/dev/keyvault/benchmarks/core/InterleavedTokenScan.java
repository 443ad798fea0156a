package dev.keyvault.benchmarks.core;

import dev.keyvault.benchmarks.Measurement;
import java.util.Locale;

/**
 * {@link TokenScanBenchmark}'s sides interleaved in one JVM (see {@link Interleaved}): the
 * {@code TokenScanner} against the fastest plain {@code Pattern} scan of the same 1 MiB for the same
 * token shape, as a throughput ratio (goal ≥ 80 %), and for reference the regex the library prints
 * for secret-scanning services against the same floor.
 */
public final class InterleavedTokenScan {
    private InterleavedTokenScan() {}

    /** {@code scan(CharSequence)} vs the floor. */
    public static final class Text implements Measurement {
        @Override
        public String name() {
            return "TokenScanner, 1 MiB of text (String) vs a plain Pattern scan for the same shape (A/B slices interleaved)";
        }

        @Override
        public Result measure() {
            TokenScanBenchmark b = setUp();
            double[] ns = Interleaved.nanosPerOp(side(b::scanText), side(b::patternFloor), 1, 200, 20, 60);
            return throughput(ns, 0.8);
        }
    }

    /** {@code scan(Reader, Consumer)} (the streaming path the CLI uses) vs the floor on the String. */
    public static final class ReaderWindow implements Measurement {
        @Override
        public String name() {
            return "TokenScanner, 1 MiB through a Reader (64 KiB window) vs a plain Pattern scan of the String (A/B slices interleaved)";
        }

        @Override
        public Result measure() {
            TokenScanBenchmark b = setUp();
            double[] ns = Interleaved.nanosPerOp(side(b::scanReader), side(b::patternFloor), 1, 200, 20, 60);
            return throughput(ns, 0.8);
        }
    }

    /** For reference: the printed {@code \b…\b} regex, which java.util.regex cannot search by its literal prefix. */
    public static final class PrintedRegex implements Measurement {
        @Override
        public String name() {
            return "for reference: the printed regex (\\bkb_live_…\\b) in java.util.regex vs the floor (A/B slices interleaved)";
        }

        @Override
        public Result measure() {
            TokenScanBenchmark b = setUp();
            double[] ns = Interleaved.nanosPerOp(side(b::printedRegex), side(b::patternFloor), 1, 200, 10, 20);
            double r = ns[1] / ns[0];
            return Result.reference(mibPerSecond(ns[0]), mibPerSecond(ns[1]), String.format(Locale.ROOT, "%.1f %%", r * 100));
        }
    }

    private static TokenScanBenchmark setUp() {
        TokenScanBenchmark b = new TokenScanBenchmark();
        b.setUp();
        return b;
    }

    private static Interleaved.Side side(java.util.function.IntSupplier op) {
        return new Interleaved.Side() {
            @Override
            long batch(int n) {
                long acc = 0;
                for (int i = 0; i < n; i++) {
                    acc += op.getAsInt();
                }
                return acc;
            }
        };
    }

    private static Measurement.Result throughput(double[] ns, double goal) {
        double r = ns[1] / ns[0]; // throughput ratio = floor time / subject time
        return new Measurement.Result(mibPerSecond(ns[0]), mibPerSecond(ns[1]), String.format(Locale.ROOT, "%.1f %%", r * 100),
                "≥ " + Math.round(goal * 100) + " %", r >= goal);
    }

    private static String mibPerSecond(double nanosPerMiB) {
        return String.format(Locale.ROOT, "%,.0f MiB/s", 1e9 / nanosPerMiB * TokenScanBenchmark.SIZE / (1 << 20));
    }
}
