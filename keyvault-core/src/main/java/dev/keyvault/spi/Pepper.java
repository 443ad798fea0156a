package dev.keyvault.spi;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * One version of the server-side secret that keys the HMAC of stored hashes. The {@code id} is
 * stored in every hash made with it ({@code $hmac-sha256$k=<id>$…}), so peppers can be replaced:
 * keys hashed under an older one keep verifying and move to the current one on their next verify.
 * Keep the bytes outside the database (environment, secrets manager, KMS): that is what makes a
 * stolen or tampered database useless without them. {@link #toString()} never shows the bytes.
 *
 * @param id  {@code [A-Za-z0-9_-]{1,32}}, such as {@code v2} or {@code 2026-11}
 * @param key at least 32 bytes (256 bits), copied in and out
 */
public record Pepper(String id, byte[] key) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    /** The shortest pepper accepted: 256 bits. */
    public static final int MIN_BYTES = 32;

    public Pepper {
        requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a pepper id is [A-Za-z0-9_-]{1,32}");
        }
        if (id.equals("none")) {
            throw new IllegalArgumentException("the pepper id 'none' marks hashes made without a pepper");
        }
        requireNonNull(key, "key");
        if (key.length < MIN_BYTES) {
            throw new IllegalArgumentException("a pepper must be at least " + MIN_BYTES + " bytes, was " + key.length);
        }
        key = key.clone();
    }

    /** A copy of the bytes; the caller wipes it. */
    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pepper p && p.id.equals(id) && Arrays.equals(p.key, key);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "Pepper[id=" + id + ", key=<hidden>]";
    }
}
