package dev.keyvault.rotation;

import java.time.Instant;

/**
 * How many keys are due for rotation at {@link #asOf()}, by urgency, over every page of
 * {@code KeyManager.rotationDue(RotationDueQuery)} — what a console shows above the list. Counted by
 * the store over the due-date index, without reading the keys.
 *
 * @param asOf     the time asked about
 * @param overdue  due more than a day ago
 * @param due      due now (within the last day)
 * @param upcoming due within the warning window (or up to the query's {@code dueBy})
 */
public record RotationDueCounts(Instant asOf, long overdue, long due, long upcoming) {
    public RotationDueCounts {
        java.util.Objects.requireNonNull(asOf, "asOf");
        if (overdue < 0 || due < 0 || upcoming < 0) {
            throw new IllegalArgumentException("counts must not be negative");
        }
    }

    /** Every key the query lists. */
    public long total() {
        return overdue + due + upcoming;
    }
}
