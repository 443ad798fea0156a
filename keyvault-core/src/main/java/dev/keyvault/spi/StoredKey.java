package dev.keyvault.spi;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;

/**
 * A key as a store holds it: its metadata and the encoded hash of its secret (a PHC-style string
 * that names its algorithm and parameters, so one store can hold keys of several algorithms).
 * {@link #toString()} leaves the hash out.
 */
public record StoredKey(ApiKey key, String hash) {
    public StoredKey {
        requireNonNull(key, "key");
        requireNonNull(hash, "hash");
        if (hash.isEmpty() || hash.length() > 512) {
            throw new IllegalArgumentException("hash must be 1-512 characters");
        }
    }

    public String id() {
        return key.id();
    }

    public StoredKey withKey(ApiKey key) {
        return new StoredKey(key, hash);
    }

    @Override
    public String toString() {
        int end = hash.indexOf('$', 1);
        String algorithm = end > 1 ? hash.substring(1, end) : "?";
        return "StoredKey[key=" + key + ", hash=<" + algorithm + ">]";
    }
}
