package dev.keyvault;

import static java.util.Objects.requireNonNull;

import dev.keyvault.internal.Checks;
import java.time.Instant;

/** When, why and by whom a key was revoked. */
public record Revocation(Instant at, String reason, String actor) {
    public Revocation {
        requireNonNull(at, "at");
        Checks.text("reason", reason, Checks.MAX_REASON);
        Checks.text("actor", actor, Checks.MAX_ACTOR);
    }
}
