package dev.keyvault.rotation;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import java.time.Instant;

/**
 * A key that must be rotated soon or already should have been, an entry of a
 * {@link RotationDueReport} ({@code KeyManager.rotationDue(Instant)}).
 *
 * @param key       the key
 * @param riskClass its risk class
 * @param dueAt     when it must be rotated by
 * @param urgency   how urgent, relative to the time asked about
 * @param reason    a sentence an operator can act on: the class, the cadence, the due date and,
 *                  for a full-access key, the advice to replace it by narrower keys
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

    /**
     * What the guide advises beyond rotating, if anything: a full-access key should be replaced by
     * keys with narrower scopes (as {@link ComplianceReport} flags it); a compromised one revoked now.
     */
    public java.util.Optional<String> advice() {
        return switch (riskClass) {
            case FULL_ACCESS -> java.util.Optional.of(FULL_ACCESS_ADVICE);
            case COMPROMISED -> java.util.Optional.of("marked compromised: replace it now and revoke it");
            default -> java.util.Optional.empty();
        };
    }

    /** The advice for full-access keys, the same as the compliance report's. */
    public static final String FULL_ACCESS_ADVICE = "grants everything: replace it by keys with narrower scopes";

    /** {@code true} if a successor is already active, so the rotation is in progress. */
    public boolean rotationInProgress() {
        return key.successorId().isPresent();
    }
}
