package dev.keyvault;

/** Why {@link KeyManager#verify(String)} refused a token. */
public enum RejectionReason {
    /** Not a token of this manager: null, wrong length, prefix, alphabet or checksum. No I/O was done. */
    MALFORMED,
    /** Well-formed, but no key has this id. */
    UNKNOWN,
    /** The key exists, the secret does not match it. */
    INVALID,
    /** The right secret of a revoked key. */
    REVOKED,
    /** The right secret of a key whose expiry has passed. */
    EXPIRED
}
