package dev.keyvault;

/**
 * The stored life-cycle state of a key. The only transition is {@code ACTIVE → REVOKED}; there is
 * no reactivation. Expiry is not a state: it is computed against the clock on every verify.
 */
public enum KeyStatus {
    ACTIVE,
    REVOKED
}
