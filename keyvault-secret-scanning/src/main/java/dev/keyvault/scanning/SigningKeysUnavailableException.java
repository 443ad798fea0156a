package dev.keyvault.scanning;

import dev.keyvault.KeyVaultException;

/**
 * GitHub's signing keys could not be obtained (the host's fetch failed and none are cached): the
 * endpoint answers 503, and GitHub sends the report again later.
 */
public class SigningKeysUnavailableException extends KeyVaultException {
    private static final long serialVersionUID = 1L;

    public SigningKeysUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
