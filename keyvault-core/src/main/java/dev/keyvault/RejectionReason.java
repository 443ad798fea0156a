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
    EXPIRED,
    /**
     * The right secret of a live key with an {@link IpAllowlist}, from a client address outside it —
     * or verified without a client address, or with one that is not an IP literal (it fails closed).
     */
    IP_NOT_ALLOWED,
    /** The right secret of a live key whose usage credits cannot pay the request's cost (see {@link Credits}). */
    CREDITS_EXHAUSTED;

    /**
     * Whether the caller proved it holds the key's secret: the rejection then names the key
     * ({@link VerificationResult#keyId()}), and usage can be recorded against it. {@code true} for
     * {@link #REVOKED}, {@link #EXPIRED}, {@link #IP_NOT_ALLOWED} and {@link #CREDITS_EXHAUSTED}.
     */
    public boolean secretMatched() {
        return this == REVOKED || this == EXPIRED || this == IP_NOT_ALLOWED || this == CREDITS_EXHAUSTED;
    }
}
