package dev.keyvault;

/** The kinds of entry in a key's history (see {@link KeyManager#history(String)}). */
public enum KeyEventType {
    /** The key was issued (by {@code issue}, or as the successor in a rotation). */
    ISSUED,
    /** The key was imported from the system keyvault replaced; the detail names its reference there. */
    IMPORTED,
    /** A successor was issued for this key; the detail names it. */
    ROTATED,
    /** The key was revoked. */
    REVOKED,
    /** The key was marked as leaked. */
    COMPROMISED,
    /**
     * The key's token was reported found where it should not be (a secret-scanning service, a scan
     * of files, a person): the detail says where — for a GitHub secret-scanning report, the URL of
     * the finding first, then who reported it and GitHub's source type.
     */
    LEAK_REPORTED,
    /** The key's expiry changed, for example to close a rotation window. */
    EXPIRY_CHANGED,
    /** The stored hash was replaced after a verify under a changed hashing policy. */
    REHASHED,
    /** A rotation window was found safe to close (successor used, old key quiet). */
    ROTATION_SAFE,
    /** A rotation was completed by revoking the old key. */
    ROTATION_COMPLETED,
    /** The new secret was accepted by a secrets sink. */
    SECRET_DELIVERED,
    /** A note added by the host or by an automated workflow. */
    NOTE,
    /**
     * The key was changed in place ({@link KeyManager#update}): renamed, scopes narrowed, tier, expiry,
     * IP allowlist, credits or metadata changed; the detail says what, before and after.
     */
    UPDATED,
    /** The key's scopes were widened in place: its own type, so an audit finds every grant of more power. */
    SCOPES_WIDENED
}
