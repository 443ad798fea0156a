package dev.keyvault.benchmarks;

import dev.keyvault.benchmarks.Goal.Kind;
import java.util.List;

/**
 * The console's benchmark goals (see {@link Goals}): its lists' first pages on PostgreSQL with
 * 100,000 keys, as whole HTTP requests, each beside the bare query of the same rows.
 */
final class ConsoleGoals {
    private ConsoleGoals() {}

    static final List<Goal> GOALS = List.of(
            new Goal("console: first page of an owner with 1,000 keys (100,000 in PostgreSQL), HTTP on Jetty vs the bare SELECT of its rows",
                    "ConsoleListBenchmark.ownerFirstPage", "ConsoleListBenchmark.ownerFloor", Kind.MILLIS_AT_MOST, 50),
            new Goal("console: first page of the operator list over 100,000 keys (PostgreSQL), HTTP on Jetty vs the bare SELECT of its rows",
                    "ConsoleListBenchmark.operatorFirstPage", "ConsoleListBenchmark.operatorFloor", Kind.MILLIS_AT_MOST, 50),
            new Goal("console: first page of rotations due over 100,000 keys (PostgreSQL, the due-date index), HTTP on Jetty vs the bare SELECT of its rows",
                    "ConsoleListBenchmark.operatorDuePage", "ConsoleListBenchmark.dueFloor", Kind.MILLIS_AT_MOST, 50));
}
