package dev.keyvault;

import static java.util.Objects.requireNonNull;

/** An operator call named a key id the store does not hold (verify never throws this). */
public class UnknownKeyException extends KeyVaultException {
    private static final long serialVersionUID = 1L;

    private final String keyId;

    public UnknownKeyException(String keyId) {
        super("no key with id " + requireNonNull(keyId, "keyId"));
        this.keyId = keyId;
    }

    /** The id that was not found; key ids are public, never secret. */
    public String keyId() {
        return keyId;
    }
}
