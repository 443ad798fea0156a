package dev.keyvault.spi;

/** What {@link KeyStore#insertSuccessor} requires of the predecessor's status, checked in the same atomic step. */
public enum PredecessorCondition {
    /**
     * The predecessor must still be active: a plain rotation. A revoke committed after the rotation
     * read the key, but before the successor was linked, makes the rotation change nothing, so a
     * revoked key never gets an active successor behind the revoker's back.
     */
    MUST_BE_ACTIVE,
    /** The predecessor may be revoked: the emergency rotation, which revokes first by design. */
    MAY_BE_REVOKED
}
