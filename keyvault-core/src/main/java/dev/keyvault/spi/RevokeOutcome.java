package dev.keyvault.spi;

/** What {@link KeyStore#revoke} did. */
public enum RevokeOutcome {
    /** The key was active and is revoked now. */
    REVOKED,
    /** The key was revoked before; nothing changed. */
    ALREADY_REVOKED,
    /** No such key. */
    NOT_FOUND
}
