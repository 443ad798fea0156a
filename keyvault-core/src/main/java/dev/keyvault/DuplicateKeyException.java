package dev.keyvault;

import static java.util.Objects.requireNonNull;

/**
 * An insert collided with an existing key: either the same key id, or an active key with the same
 * owner and name (a replacement must never reuse the name of the key it replaces).
 */
public class DuplicateKeyException extends KeyVaultException {
    private static final long serialVersionUID = 1L;

    /** What collided. */
    public enum Conflict {
        /** A key with this id exists. Ids carry 71 random bits, so in practice this is a bug. */
        KEY_ID,
        /** The owner already has an active key with this name. */
        ACTIVE_NAME
    }

    private final Conflict conflict;

    public DuplicateKeyException(Conflict conflict, String message) {
        super(message);
        this.conflict = requireNonNull(conflict, "conflict");
    }

    public DuplicateKeyException(Conflict conflict, String message, Throwable cause) {
        super(message, cause);
        this.conflict = requireNonNull(conflict, "conflict");
    }

    public Conflict conflict() {
        return conflict;
    }
}
