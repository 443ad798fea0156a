package dev.keyvault.spi;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A key as a store holds it: its metadata, the encoded hash of its secret (a PHC-style string that
 * names its algorithm and parameters, so one store can hold keys of several algorithms), and for a key
 * imported from another system, how that system's tokens find it. {@link #toString()} leaves the hash
 * out.
 *
 * @param key          the key
 * @param hash         the encoded hash, 1–512 characters
 * @param legacyLookup for an imported key: the value a legacy token is looked up by (its lookup id,
 *                     or a digest of it; see {@code LegacyTokenFormat}), unique in the store
 * @param importRef    for an imported key: its id in the system it came from, unique in the store
 *                     (what makes a bulk import idempotent)
 * @param rotation     the stored rotation due date and the policy that computed it; empty for a
 *                     revoked key (never due) and for keys stored before due dates were (they are
 *                     stamped by the manager before it lists due keys)
 * @param revision     how many times the key's row was changed after it was inserted (in-place changes,
 *                     rotation, compromise, revocation, expiry): what {@link KeyStore#update} and
 *                     {@link KeyStore#restamp} compare and set; 0 at insert
 */
public record StoredKey(ApiKey key, String hash, Optional<String> legacyLookup, Optional<String> importRef,
        Optional<RotationStamp> rotation, long revision) {
    /** Lookups and import references: printable ASCII without spaces, 1–200 characters. */
    public static final Pattern REFERENCE = Pattern.compile("[\\x21-\\x7E]{1,200}");

    public StoredKey {
        requireNonNull(key, "key");
        requireNonNull(hash, "hash");
        if (hash.isEmpty() || hash.length() > 512) {
            throw new IllegalArgumentException("hash must be 1-512 characters");
        }
        requireNonNull(legacyLookup, "legacyLookup").ifPresent(v -> reference("legacyLookup", v));
        requireNonNull(importRef, "importRef").ifPresent(v -> reference("importRef", v));
        requireNonNull(rotation, "rotation");
        if (revision < 0) {
            throw new IllegalArgumentException("revision must not be negative");
        }
    }

    /** A key issued by keyvault: no legacy lookup, no import reference, no rotation stamp, revision 0. */
    public StoredKey(ApiKey key, String hash) {
        this(key, hash, Optional.empty(), Optional.empty());
    }

    /** A key as version 2 of the SPI knew it: no rotation stamp, revision 0. */
    public StoredKey(ApiKey key, String hash, Optional<String> legacyLookup, Optional<String> importRef) {
        this(key, hash, legacyLookup, importRef, Optional.empty(), 0);
    }

    private static void reference(String what, String value) {
        if (!REFERENCE.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be 1-200 printable ASCII characters without spaces");
        }
    }

    public String id() {
        return key.id();
    }

    public StoredKey withKey(ApiKey key) {
        return new StoredKey(key, hash, legacyLookup, importRef, rotation, revision);
    }

    /** A copy with this rotation stamp. */
    public StoredKey withRotation(Optional<RotationStamp> rotation) {
        return new StoredKey(key, hash, legacyLookup, importRef, rotation, revision);
    }

    /** A copy with this revision (stores use this). */
    public StoredKey withRevision(long revision) {
        return new StoredKey(key, hash, legacyLookup, importRef, rotation, revision);
    }

    /** A copy with this hash (stores use this). */
    public StoredKey withHash(String hash) {
        return new StoredKey(key, hash, legacyLookup, importRef, rotation, revision);
    }

    @Override
    public String toString() {
        int end = hash.indexOf('$', 1);
        String algorithm = end > 1 ? hash.substring(1, end) : "?";
        return "StoredKey[key=" + key + ", hash=<" + algorithm + ">" + (importRef.isPresent() ? ", imported" : "") + "]";
    }
}
