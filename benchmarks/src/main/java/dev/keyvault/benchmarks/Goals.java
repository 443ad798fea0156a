package dev.keyvault.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * Every benchmark goal, in the order of the README's table. Each area keeps its own list
 * ({@link CoreGoals}, {@link JdbcGoals}, {@link ServletGoals}, {@link ConsoleGoals}); {@link RunAll} runs the JMH
 * benchmarks these lines name, then the non-JMH {@link Measurement}s, and prints the table.
 */
public final class Goals {
    private Goals() {}

    public static final List<Goal> ALL = concat(CoreGoals.GOALS, JdbcGoals.GOALS, ServletGoals.GOALS, ConsoleGoals.GOALS);

    public static final List<Measurement> MEASUREMENTS =
            concat(CoreGoals.MEASUREMENTS, JdbcGoals.MEASUREMENTS, ServletGoals.MEASUREMENTS);

    @SafeVarargs
    private static <T> List<T> concat(List<T>... lists) {
        List<T> all = new ArrayList<>();
        for (List<T> l : lists) {
            all.addAll(l);
        }
        return List.copyOf(all);
    }
}
