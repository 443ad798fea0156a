package dev.keyvault.benchmarks;

import dev.keyvault.benchmarks.Goal.Kind;
import java.util.List;

/**
 * Every benchmark goal, in the order of the README's table. A benchmark class adds its line here;
 * {@link RunAll} runs the JMH benchmarks these lines name (plus the non-JMH {@link Measurement}s)
 * and prints the table.
 */
public final class Goals {
    private Goals() {}

    public static final List<Goal> ALL = List.of(
            // core (filled in by the core benchmarks)
    );

    /** Measurements that are not JMH timings (statement counts and the like). */
    public static final List<Measurement> MEASUREMENTS = List.of(
    );
}
