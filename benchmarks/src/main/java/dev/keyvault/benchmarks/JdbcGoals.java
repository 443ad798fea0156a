package dev.keyvault.benchmarks;

import dev.keyvault.benchmarks.Goal.Kind;
import dev.keyvault.benchmarks.jdbc.InterleavedColdVerify;
import dev.keyvault.benchmarks.jdbc.UsageFlushMeasurement;
import java.util.List;

/** The jdbc module's benchmark goals (see {@link Goals}). */
final class JdbcGoals {
    private JdbcGoals() {}

    static final List<Goal> GOALS = List.of(
            new Goal("cold verify (HMAC, cache off) on PostgreSQL vs bare JDBI SELECT by primary key",
                    "PostgresColdVerifyBenchmark.coldVerify", "PostgresColdVerifyBenchmark.bareSelect", Kind.TIME_RATIO_AT_MOST, 1.3));

    static final List<Measurement> MEASUREMENTS = List.of(
            // the same figure with both sides interleaved in one JVM, immune to load drift between JMH forks
            new InterleavedColdVerify(),
            new UsageFlushMeasurement());
}
