package dev.keyvault;

/**
 * A secret could not be hashed or checked: the hash function failed (Argon2 could not allocate its
 * memory, for instance) or a stored hash cannot be read. It says nothing about the presented key,
 * which may be fine, so a filter answers 503, never 401. The message names the algorithm and what
 * failed, never a secret or a hash.
 */
public class HashingException extends KeyVaultException {
    private static final long serialVersionUID = 1L;

    public HashingException(String message) {
        super(message);
    }

    public HashingException(String message, Throwable cause) {
        super(message, cause);
    }
}
