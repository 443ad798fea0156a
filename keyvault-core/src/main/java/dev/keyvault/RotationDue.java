package dev.keyvault;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A key that must be rotated soon or already should have been, from
 * {@link KeyManager#rotationDue(Instant)}.
 *
 * @param key       the key
 * @param riskClass its risk class
 * @param dueAt     when it must be rotated by
 * @param urgency   how urgent, relative to the time asked about
 * @param reason    a sentence an operator can act on
 */
public record RotationDue(ApiKey key, RiskClass riskClass, Instant dueAt, Urgency urgency, String reason) {
    public enum Urgency {
        /** Due more than a day ago. */
        OVERDUE,
        /** Due now: the due date was less than a day ago. */
        DUE,
        /** Due within the warning window. */
        UPCOMING
    }

    public RotationDue {
        requireNonNull(key, "key");
        requireNonNull(riskClass, "riskClass");
        requireNonNull(dueAt, "dueAt");
        requireNonNull(urgency, "urgency");
        requireNonNull(reason, "reason");
    }

    /** {@code true} if a successor is already active, so the rotation is in progress. */
    public boolean rotationInProgress() {
        return key.successorId().isPresent();
    }
}
