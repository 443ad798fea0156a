package dev.keyvault.benchmarks;

/**
 * A figure that is not a JMH timing, such as the number of SQL statements a flush issues against the
 * number one-UPDATE-per-request would. {@link RunAll} runs each after the JMH benchmarks.
 */
public interface Measurement {
    /** The table row's name. */
    String name();

    /** Runs the measurement; may take seconds and start databases. */
    Result measure() throws Exception;

    /**
     * @param subject   the figure for keyvault, with its unit
     * @param floor     the figure for the comparison, with its unit
     * @param ratio     how they compare, as text (for example {@code 1,000× fewer})
     * @param goal      the goal, as text
     * @param met       whether the goal is met
     */
    record Result(String subject, String floor, String ratio, String goal, boolean met) {
        /** A figure shown to read another by, with no goal of its own. */
        public static Result reference(String subject, String floor, String ratio) {
            return new Result(subject, floor, ratio, NO_GOAL, true);
        }

        public boolean hasGoal() {
            return !NO_GOAL.equals(goal);
        }
    }

    /** The goal text of a reference figure. */
    String NO_GOAL = "—";
}
