package dev.keyvault;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** When, why and by whom a key was revoked. */
public record Revocation(Instant at, String reason, String actor) {
    public Revocation {
        requireNonNull(at, "at");
        Syntax.text("reason", reason, Syntax.MAX_REASON);
        Syntax.text("actor", actor, Syntax.MAX_ACTOR);
    }
}
