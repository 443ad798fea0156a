package dev.keyvault.spi;

import static java.util.Objects.requireNonNull;

import dev.keyvault.Syntax;

/**
 * One recomputed rotation due date for {@link KeyStore#restamp}: written only if the key is still
 * active at {@code expectedRevision}, so a concurrent change (which computes its own) is never
 * overwritten by a date computed from what it replaced.
 */
public record Restamp(String keyId, long expectedRevision, RotationStamp stamp) {
    public Restamp {
        Syntax.keyId(keyId);
        requireNonNull(stamp, "stamp");
    }
}
