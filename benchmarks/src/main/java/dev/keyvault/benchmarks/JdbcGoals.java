package dev.keyvault.benchmarks;

import dev.keyvault.benchmarks.Goal.Kind;
import java.util.List;

/** The jdbc module's benchmark goals (see {@link Goals}). */
final class JdbcGoals {
    private JdbcGoals() {}

    static final List<Goal> GOALS = List.of(
    );

    static final List<Measurement> MEASUREMENTS = List.of(
    );
}
