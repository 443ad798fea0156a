package dev.keyvault;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The outcome of {@link KeyManager#revoke}. Revoking is idempotent: a key that was already revoked
 * is {@link Outcome#ALREADY_REVOKED} (its original revocation is kept), an id the store does not
 * hold is {@link Outcome#NOT_FOUND}. Neither is an exception, so a "revoke everything that leaked"
 * script can be rerun safely.
 *
 * @param keyId   the id asked for
 * @param outcome what happened
 * @param key     the key as it is now (absent for {@code NOT_FOUND})
 */
public record RevocationResult(String keyId, Outcome outcome, Optional<ApiKey> key) {
    public enum Outcome {
        /** This call revoked the key. */
        REVOKED,
        /** The key had been revoked before; nothing changed. */
        ALREADY_REVOKED,
        /** No key with this id. */
        NOT_FOUND
    }

    public RevocationResult {
        requireNonNull(keyId, "keyId");
        requireNonNull(outcome, "outcome");
        requireNonNull(key, "key");
        if (key.isPresent() == (outcome == Outcome.NOT_FOUND)) {
            throw new IllegalArgumentException("the key is present unless NOT_FOUND");
        }
    }

    /** {@code true} if the key is revoked now (by this call or before). */
    public boolean isRevoked() {
        return outcome != Outcome.NOT_FOUND;
    }
}
