package dev.keyvault.internal;

import static java.util.Objects.requireNonNull;

import dev.keyvault.HashingException;
import dev.keyvault.spi.KeyHasher;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Unsalted SHA-256, stored as {@code $sha256$<64 hex digits>}: the import format of systems that
 * kept a plain SHA-256 of each key (Unkey's export, GitHub-style token tables). Safe only for
 * high-entropy secrets, which is what such systems issued; keys move to the manager's hasher on
 * their next verify. Cheap: no slot needed. Thread-safe.
 */
public final class Sha256Hasher implements KeyHasher {
    private static final String PREFIX = "$sha256$";

    @Override
    public String algorithm() {
        return "sha256";
    }

    @Override
    public boolean isExpensive() {
        return false;
    }

    @Override
    public String hash(byte[] secret) {
        return PREFIX + HexFormat.of().formatHex(Sha256.digest(requireNonNull(secret, "secret")));
    }

    @Override
    public boolean verify(String encoded, byte[] secret) {
        requireNonNull(encoded, "encoded");
        requireNonNull(secret, "secret");
        if (!canVerify(encoded)) {
            return false;
        }
        String hex = encoded.substring(PREFIX.length());
        byte[] expected;
        try {
            if (hex.length() != 64) {
                throw new IllegalArgumentException();
            }
            expected = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new HashingException("a stored sha256 hash cannot be read: it is not 64 hex digits");
        }
        return MessageDigest.isEqual(expected, Sha256.digest(secret));
    }

    @Override
    public boolean canVerify(String encoded) {
        return encoded.startsWith(PREFIX);
    }

    @Override
    public boolean needsRehash(String encoded) {
        return true; // an import format: keys move to the manager's current hasher
    }

    @Override
    public String toString() {
        return "Sha256[unsalted]";
    }
}
