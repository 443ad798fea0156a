package dev.keyvault.rotation;

/**
 * How much damage a key can do, which sets how often it must be rotated (see
 * {@link RotationPolicy}). Derived from the scopes by a {@link RiskClassifier} unless set
 * explicitly when the key is issued.
 */
public enum RiskClass {
    /** Only reads. Default cadence: 365 days. */
    READ_ONLY,
    /** Writes somewhere. Default cadence: 180 days. */
    WRITE,
    /** Wildcard scopes, administrative scopes or many scopes. Default cadence: 90 days. */
    BROAD,
    /** Everything ({@code *}, {@code admin}, {@code full_access}). Default cadence: 90 days. */
    FULL_ACCESS,
    /** Known or suspected to be leaked. Due immediately. */
    COMPROMISED
}
