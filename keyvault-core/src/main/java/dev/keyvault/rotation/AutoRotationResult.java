package dev.keyvault.rotation;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import dev.keyvault.Syntax;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the {@link AutoRotator} did to one key. Never holds a token. Immutable and thread-safe.
 *
 * @param keyId            the key being rotated (the old key)
 * @param outcome          how far the rotation got
 * @param successor        the successor this result is about: the delivered one for {@code ROTATED}
 *                         and {@code WINDOW_OPEN}, the revoked one for {@code PROBE_FAILED} and
 *                         {@code SINK_FAILED}; absent when no successor was involved
 * @param oldKeyExpiresAt  for {@code WINDOW_OPEN}: when the old key stops verifying
 * @param steps            what happened, in order, one sentence each (also in the keys' histories)
 */
public record AutoRotationResult(
        String keyId,
        Outcome outcome,
        Optional<ApiKey> successor,
        Optional<Instant> oldKeyExpiresAt,
        List<String> steps) {

    /** How far a rotation got. */
    public enum Outcome {
        /** The successor's secret was delivered and the old key is revoked. */
        ROTATED,
        /** The successor's secret was delivered; the old key verifies until the end of the rotation window. */
        WINDOW_OPEN,
        /** The probe with the new token failed: the new key was revoked, the old key is untouched. */
        PROBE_FAILED,
        /** The secrets sink did not accept the new token: the new key was revoked, the old key is untouched. */
        SINK_FAILED,
        /** Nothing was done (a rotation by hand is in progress, another run may be delivering, the key is revoked). */
        SKIPPED,
        /** An unexpected failure (such as the store); what was done is in the steps, and the next run resumes. */
        FAILED
    }

    public AutoRotationResult {
        Syntax.keyId(keyId);
        requireNonNull(outcome, "outcome");
        requireNonNull(successor, "successor");
        requireNonNull(oldKeyExpiresAt, "oldKeyExpiresAt");
        steps = List.copyOf(requireNonNull(steps, "steps"));
        if (oldKeyExpiresAt.isPresent() != (outcome == Outcome.WINDOW_OPEN)) {
            throw new IllegalArgumentException("oldKeyExpiresAt is present exactly for WINDOW_OPEN");
        }
    }

    /** Whether the old key is still untouched by this run (anything but {@code ROTATED} and {@code WINDOW_OPEN}). */
    public boolean oldKeyUntouched() {
        return outcome != Outcome.ROTATED && outcome != Outcome.WINDOW_OPEN;
    }

    /** The steps as one line. */
    public String message() {
        return String.join("; ", steps);
    }
}
