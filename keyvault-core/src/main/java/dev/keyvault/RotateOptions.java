package dev.keyvault;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * How to rotate, for {@link KeyManager#rotate(String, RotateOptions)}. Start from
 * {@link #defaults()} and use the {@code with…} methods.
 *
 * @param successorName      the successor's name; default the old name with a version suffix
 *                           ({@code "Sync"} → {@code "Sync v2"} → {@code "Sync v3"}); never the old name
 * @param successorExpiresAt the successor's expiry; default the old key's lifetime again, counted
 *                           from now, if the old key had an expiry, otherwise none
 * @param overlapUntil       when the old key stops verifying by itself (Stripe-style rolling
 *                           window); default its existing expiry. Never later than that expiry.
 * @param actor              who rotates, for the history; default {@code system}
 * @param reason             why, for the history; default {@code scheduled rotation}
 */
public record RotateOptions(
        Optional<String> successorName,
        Optional<Instant> successorExpiresAt,
        Optional<Instant> overlapUntil,
        String actor,
        String reason) {

    private static final RotateOptions DEFAULTS =
            new RotateOptions(Optional.empty(), Optional.empty(), Optional.empty(), "system", "scheduled rotation");

    public RotateOptions {
        requireNonNull(successorName, "successorName").ifPresent(n -> Syntax.text("successorName", n, Syntax.MAX_NAME));
        requireNonNull(successorExpiresAt, "successorExpiresAt");
        requireNonNull(overlapUntil, "overlapUntil");
        Syntax.text("actor", actor, Syntax.MAX_ACTOR);
        Syntax.text("reason", reason, Syntax.MAX_REASON);
    }

    public static RotateOptions defaults() {
        return DEFAULTS;
    }

    public RotateOptions withSuccessorName(String name) {
        return new RotateOptions(Optional.of(name), successorExpiresAt, overlapUntil, actor, reason);
    }

    public RotateOptions withSuccessorExpiresAt(Instant expiresAt) {
        return new RotateOptions(successorName, Optional.of(expiresAt), overlapUntil, actor, reason);
    }

    public RotateOptions withOverlapUntil(Instant deadline) {
        return new RotateOptions(successorName, successorExpiresAt, Optional.of(deadline), actor, reason);
    }

    public RotateOptions withActor(String actor) {
        return new RotateOptions(successorName, successorExpiresAt, overlapUntil, actor, reason);
    }

    public RotateOptions withReason(String reason) {
        return new RotateOptions(successorName, successorExpiresAt, overlapUntil, actor, reason);
    }
}
