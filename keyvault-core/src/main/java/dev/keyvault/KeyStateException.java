package dev.keyvault;

/**
 * The key is not in a state that allows the operation: rotating a revoked key, rotating a key that
 * already has an active successor, or losing a race with a concurrent rotation of the same key.
 */
public class KeyStateException extends KeyVaultException {
    private static final long serialVersionUID = 1L;

    public KeyStateException(String message) {
        super(message);
    }
}
