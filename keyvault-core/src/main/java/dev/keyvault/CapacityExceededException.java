package dev.keyvault;

/**
 * A cold verification could not get a hashing slot in time. Argon2id costs tens of milliseconds of
 * CPU and 19 MiB per run, so at most a bounded number run at once; callers beyond that wait up to
 * the configured hashing timeout and then get this (a filter answers 503 with {@code Retry-After}).
 */
public class CapacityExceededException extends KeyVaultException {
    private static final long serialVersionUID = 1L;

    public CapacityExceededException(String message) {
        super(message);
    }
}
