package dev.keyvault;

import static java.util.Objects.requireNonNull;

/**
 * A newly issued key and its plaintext token, the only time the token exists: hand it to the
 * consumer and drop it. keyvault stores only a hash. {@link #toString()} masks the secret, so
 * logging an {@code IssuedKey} by accident does not leak it.
 *
 * @param key   the key's metadata
 * @param token the full token {@code <prefix>_<keyId>_<secret><checksum>}
 */
public record IssuedKey(ApiKey key, String token) {
    public IssuedKey {
        requireNonNull(key, "key");
        requireNonNull(token, "token");
    }

    /** The key's public id. */
    public String id() {
        return key.id();
    }

    @Override
    public String toString() {
        return "IssuedKey[key=" + key + ", token=" + key.hint() + "]";
    }
}
