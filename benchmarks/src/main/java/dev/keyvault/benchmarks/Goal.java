package dev.keyvault.benchmarks;

/**
 * One line of the benchmark table: a subject benchmark, its floor (or none for an absolute goal),
 * and the goal the figure is judged against.
 *
 * @param name      what is measured, as the README table shows it
 * @param subject   the subject benchmark, {@code SimpleClassName.method}
 * @param floor     the floor benchmark, {@code SimpleClassName.method}, or {@code null}
 * @param kind      how the figure is computed and judged
 * @param threshold the goal's number
 */
public record Goal(String name, String subject, String floor, Kind kind, double threshold) {
    public enum Kind {
        /** Both in time per operation; subject / floor must be at most the threshold. */
        TIME_RATIO_AT_MOST,
        /** Both in operations per time; subject / floor must be at least the threshold. */
        THROUGHPUT_RATIO_AT_LEAST,
        /** Subject in nanoseconds per operation must be at most the threshold. */
        NANOS_AT_MOST,
        /** Both in milliseconds per operation; the subject must be at most the threshold (the ratio is shown too). */
        MILLIS_AT_MOST
    }

    public String goalText() {
        return switch (kind) {
            case TIME_RATIO_AT_MOST -> "≤ " + threshold + "×";
            case THROUGHPUT_RATIO_AT_LEAST -> "≥ " + Math.round(threshold * 100) + " %";
            case NANOS_AT_MOST -> "≤ " + Math.round(threshold) + " ns";
            case MILLIS_AT_MOST -> "≤ " + Math.round(threshold) + " ms";
        };
    }
}
