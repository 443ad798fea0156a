package dev.keyvault;

import static java.util.Objects.requireNonNull;

/**
 * An insert collided with an existing key: the same key id, an active key with the same owner and
 * name (a replacement must never reuse the name of the key it replaces), or for an imported key the
 * same legacy lookup value or import reference.
 */
public class DuplicateKeyException extends KeyVaultException {
    private static final long serialVersionUID = 1L;

    /** What collided. */
    public enum Conflict {
        /** A key with this id exists. Ids carry 71 random bits, so in practice this is a bug. */
        KEY_ID,
        /** The owner already has an active key with this name. */
        ACTIVE_NAME,
        /** An imported key already has this legacy lookup value. */
        LEGACY_LOOKUP,
        /** A key was already imported with this import reference (a bulk import run again). */
        IMPORT_REF
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
