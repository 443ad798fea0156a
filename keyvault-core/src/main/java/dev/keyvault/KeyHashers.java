package dev.keyvault;

import static java.util.Objects.requireNonNull;

import dev.keyvault.internal.Argon2idHasher;
import dev.keyvault.internal.BcryptHasher;
import dev.keyvault.internal.HmacSha256Hasher;
import dev.keyvault.internal.Pbkdf2Hasher;
import dev.keyvault.internal.Sha256Hasher;
import dev.keyvault.spi.KeyHasher;

/**
 * The built-in {@link KeyHasher}s.
 *
 * <p><b>Argon2id</b> (the default) makes a stolen database useless for offline guessing even if a
 * secret had little entropy; it costs ~20–30 ms of CPU and 19 MiB per cold verify, which the
 * verification cache pays once per key per node. <b>HMAC-SHA-256</b> with a server-side pepper is
 * the choice when every node must verify many distinct keys cold (the secrets have 190 random bits,
 * so a one-way function is enough under NIST SP 800-63B, and the pepper — kept outside the
 * database — means a stolen database cannot confirm a guess).
 */
public final class KeyHashers {
    /** OWASP's Argon2id recommendation: 19 MiB, 2 iterations, 1 lane. */
    public static final int ARGON2_MEMORY_KIB = 19 * 1024;
    public static final int ARGON2_ITERATIONS = 2;
    public static final int ARGON2_PARALLELISM = 1;

    private KeyHashers() {}

    /** Argon2id with OWASP's parameters: m=19 MiB, t=2, p=1. */
    public static KeyHasher argon2id() {
        return new Argon2idHasher(ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, ARGON2_PARALLELISM);
    }

    /**
     * Argon2id with explicit parameters. Keep {@code memoryKiB} at or below 32 MiB: above that glibc
     * maps each block fresh per call and the cost jumps about six-fold. Cheap parameters are for tests.
     */
    public static KeyHasher argon2id(int memoryKiB, int iterations, int parallelism) {
        return new Argon2idHasher(memoryKiB, iterations, parallelism);
    }

    /** HMAC-SHA-256 without a pepper (a one-way function of the 190-bit secret). */
    public static KeyHasher hmacSha256() {
        return new HmacSha256Hasher(null, "none");
    }

    /**
     * HMAC-SHA-256 under {@code pepper} (at least 32 bytes, copied; keep it outside the database).
     * {@code pepperId} ({@code [A-Za-z0-9_-]{1,32}}) is stored with each hash, so a new pepper can be
     * introduced while keys hashed under the old one are still verified by an additional hasher.
     */
    public static KeyHasher hmacSha256(byte[] pepper, String pepperId) {
        return new HmacSha256Hasher(requireNonNull(pepper, "pepper"), pepperId);
    }

    /**
     * Reads and writes bcrypt ({@code $2a$}, {@code $2b$}, {@code $2y$}) with cost 12: for keys imported
     * from a system that stored bcrypt hashes (add it to {@code KeyManagerBuilder.additionalHashers}).
     * Needs Bouncy Castle ({@code org.bouncycastle:bcprov-jdk18on}) on the classpath.
     *
     * @throws IllegalStateException if Bouncy Castle is missing
     */
    public static KeyHasher bcrypt() {
        return new BcryptHasher(12);
    }

    /**
     * Reads and writes PBKDF2 in Django's encoding ({@code pbkdf2_sha256$<iterations>$<salt>$<hash>},
     * {@code pbkdf2_sha1} read too), 600,000 iterations when it writes: for keys imported from
     * Django REST Framework API Key and tables that copied its hasher.
     */
    public static KeyHasher pbkdf2() {
        return new Pbkdf2Hasher(600_000);
    }

    /**
     * Reads and writes unsalted SHA-256, {@code $sha256$<hex>}: the import format of systems that
     * kept a plain SHA-256 of each key (Unkey's export). Only for high-entropy secrets.
     */
    public static KeyHasher unsaltedSha256() {
        return new Sha256Hasher();
    }
}
