package dev.keyvault;

import static java.util.Objects.requireNonNull;

/**
 * The key store failed: a driver or SQL error, a lost connection, a timeout. The message names the
 * store operation; the cause is the driver's exception. A servlet filter answers 503 for it,
 * never 401 and never a pass-through.
 */
public class KeyStoreException extends KeyVaultException {
    private static final long serialVersionUID = 1L;

    private final String operation;

    public KeyStoreException(String operation, Throwable cause) {
        super("key store operation '" + requireNonNull(operation, "operation") + "' failed", cause);
        this.operation = operation;
    }

    public KeyStoreException(String operation, String message) {
        super("key store operation '" + requireNonNull(operation, "operation") + "' failed: " + message);
        this.operation = operation;
    }

    /** The store operation that failed, such as {@code find} or {@code applyUsage}. */
    public String operation() {
        return operation;
    }
}
