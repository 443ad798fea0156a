package dev.keyvault.benchmarks;

import dev.keyvault.benchmarks.Goal.Kind;
import dev.keyvault.benchmarks.servlet.InterleavedFilterThroughput;
import java.util.List;

/** The servlet module's benchmark goals (see {@link Goals}). */
final class ServletGoals {
    private ServletGoals() {}

    static final List<Goal> GOALS = List.of(
            // Kong's own figures lose 24 % to key-auth plus rate limiting; the filter must keep 90 %.
            new Goal("servlet filter throughput, cached key (Jetty, loopback, 4 threads)",
                    "FilterThroughputBenchmark.withFilter", "FilterThroughputBenchmark.withoutFilter",
                    Kind.THROUGHPUT_RATIO_AT_LEAST, 0.90)
    );

    static final List<Measurement> MEASUREMENTS = List.of(
            // the same figure with both sides interleaved in one JVM, immune to load drift between JMH forks
            new InterleavedFilterThroughput(),
            new InterleavedFilterThroughput.PassThroughFilter()
    );
}
