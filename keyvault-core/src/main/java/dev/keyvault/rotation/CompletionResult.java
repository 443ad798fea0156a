package dev.keyvault.rotation;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The outcome of {@link dev.keyvault.rotation.RotationWorkflows#complete(String, String)} and
 * {@link dev.keyvault.rotation.RotationWorkflows#forceComplete(String, String, String)}. Completing is idempotent: a
 * rotation whose old key is already revoked is {@link Outcome#ALREADY_COMPLETED}. Immutable and
 * thread-safe.
 *
 * @param predecessorId   the old key
 * @param successorId     its successor
 * @param outcome         what happened
 * @param status          the rotation status the decision was made on (computed just before)
 * @param blockingClients the clients that kept (or, when forced, would have kept) the window from
 *                        closing: not yet on the successor, or on the old key within the quiet period
 * @param reasons         why a completion was refused or forced, one sentence each; empty when the
 *                        window was simply safe
 */
public record CompletionResult(
        String predecessorId,
        String successorId,
        Outcome outcome,
        RotationStatus status,
        List<RotationStatus.ClientMigration> blockingClients,
        List<String> reasons) {

    /** What a completion did. */
    public enum Outcome {
        /** The window was safe (or past its deadline) and the old key was revoked by this call. */
        COMPLETED,
        /** The window was not safe; the old key was revoked anyway because the caller forced it. */
        FORCED,
        /** The window was not safe; nothing was revoked. {@link #blockingClients()} says who is still on the old key. */
        REFUSED,
        /** The old key was already revoked; nothing changed. */
        ALREADY_COMPLETED
    }

    public CompletionResult {
        requireNonNull(predecessorId, "predecessorId");
        requireNonNull(successorId, "successorId");
        requireNonNull(outcome, "outcome");
        requireNonNull(status, "status");
        blockingClients = List.copyOf(requireNonNull(blockingClients, "blockingClients"));
        reasons = List.copyOf(requireNonNull(reasons, "reasons"));
    }

    /** Whether the old key is revoked now (by this call or before). */
    public boolean isRevoked() {
        return outcome != Outcome.REFUSED;
    }
}
