package dev.keyvault;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One entry of a key's permanent history. Written by the store in the same transaction as the change
 * it describes, and never carrying key material.
 *
 * @param keyId  the key
 * @param type   what happened
 * @param at     when
 * @param actor  who did it (a user, {@code system}, or a workflow name)
 * @param detail a short explanation (may be empty), at most 1000 characters
 */
public record KeyEvent(String keyId, KeyEventType type, Instant at, String actor, String detail) {
    public static final int MAX_DETAIL = 1000;

    public KeyEvent {
        Syntax.keyId(keyId);
        requireNonNull(type, "type");
        requireNonNull(at, "at");
        Syntax.text("actor", actor, Syntax.MAX_ACTOR);
        requireNonNull(detail, "detail");
        if (!detail.isEmpty()) {
            Syntax.text("detail", detail, MAX_DETAIL);
        }
    }
}
