package dev.keyvault.rotation;

import static java.util.Objects.requireNonNull;

import dev.keyvault.rotation.RotationDue.Urgency;
import java.time.Instant;
import java.util.List;

/**
 * The keys whose rotation is due at {@link #asOf()}, from {@code KeyManager.rotationDue(Instant)},
 * split by urgency so a caller cannot mistake a warning for a deadline: {@link #overdue()} (due more
 * than a day ago), {@link #due()} (due now) and {@link #upcoming()} (within the policy's warning
 * window). Each list is soonest first. Revoked and expired keys are never listed. Immutable.
 *
 * @param asOf    the time asked about
 * @param entries every entry, soonest first
 */
public record RotationDueReport(Instant asOf, List<RotationDue> entries) {
    public RotationDueReport {
        requireNonNull(asOf, "asOf");
        entries = List.copyOf(requireNonNull(entries, "entries"));
    }

    /** Due more than a day ago. */
    public List<RotationDue> overdue() {
        return of(Urgency.OVERDUE);
    }

    /** Due now (the due date passed less than a day ago). */
    public List<RotationDue> due() {
        return of(Urgency.DUE);
    }

    /** Not due yet, but within the warning window. */
    public List<RotationDue> upcoming() {
        return of(Urgency.UPCOMING);
    }

    /** Whether some key is due or overdue (upcoming ones only warn). */
    public boolean actionRequired() {
        return entries.stream().anyMatch(e -> e.urgency() != Urgency.UPCOMING);
    }

    private List<RotationDue> of(Urgency urgency) {
        return entries.stream().filter(e -> e.urgency() == urgency).toList();
    }
}
