package dev.keyvault;

/**
 * Root of the small unchecked exception tree keyvault throws for conditions that are not misuse
 * of the API (misuse gets JDK exceptions such as {@link IllegalArgumentException}). A bad key is
 * never an exception: {@link KeyManager#verify(String)} returns a {@link VerificationResult}.
 */
public class KeyVaultException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KeyVaultException(String message) {
        super(message);
    }

    public KeyVaultException(String message, Throwable cause) {
        super(message, cause);
    }
}
