package dev.keyvault.spi;

/**
 * Hashes secrets for storage and checks them. The encoded form is PHC-style,
 * {@code $<algorithm>$<parameters>$…}, so that the algorithm and its parameters are stored with
 * each key: a manager can verify keys hashed under an older policy and rehash them after a
 * successful verify. Built-in hashers come from {@link dev.keyvault.KeyHashers}.
 *
 * <p>Implementations must be thread-safe, must compare in constant time, and must never log or
 * keep the secret. The {@code secret} arrays are owned by the caller, who wipes them afterwards.
 */
public interface KeyHasher {

    /** The algorithm id used in the encoded form, such as {@code argon2id}. */
    String algorithm();

    /** Hashes {@code secret} with fresh salt (if the algorithm uses one) under the current parameters. */
    String hash(byte[] secret);

    /**
     * Whether {@code secret} matches {@code encoded}. {@code false} means exactly "another secret" (or
     * an encoded form of another algorithm, see {@link #canVerify}); it must never stand for a failure.
     *
     * @throws dev.keyvault.HashingException if the hash cannot be computed (a native error, memory) or
     *                                       {@code encoded} is of this algorithm but cannot be read: the
     *                                       key may be fine, so the caller answers "unavailable", not
     *                                       "wrong secret"
     */
    boolean verify(String encoded, byte[] secret);

    /** Whether this hasher can verify {@code encoded} (usually: the algorithm id matches). */
    boolean canVerify(String encoded);

    /** Whether {@code encoded} should be replaced by a fresh {@link #hash} (its parameters differ). */
    boolean needsRehash(String encoded);

    /**
     * Whether one {@link #verify} costs enough CPU or memory to need the manager's bounded bulkhead.
     * {@code true} for Argon2; {@code false} for HMAC.
     */
    default boolean isExpensive() {
        return true;
    }
}
