package dev.keyvault.internal;

import static java.util.Objects.requireNonNull;

import de.mkammerer.argon2.Argon2;
import de.mkammerer.argon2.Argon2Factory;
import de.mkammerer.argon2.Argon2Factory.Argon2Types;
import dev.keyvault.spi.KeyHasher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Argon2id through argon2-jvm (the reference C implementation over JNA). Encoded form is the
 * reference PHC string, {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, with a 16-byte salt
 * and a 32-byte hash. Thread-safe: the native functions keep no shared state.
 */
public final class Argon2idHasher implements KeyHasher {
    private static final Logger LOG = LoggerFactory.getLogger(Argon2idHasher.class);
    private static final String PREFIX = "$argon2id$";

    private final Argon2 argon2 = Argon2Factory.create(Argon2Types.ARGON2id, 16, 32);
    private final int memoryKiB;
    private final int iterations;
    private final int parallelism;

    public Argon2idHasher(int memoryKiB, int iterations, int parallelism) {
        if (memoryKiB < 8 * parallelism || memoryKiB > 4 * 1024 * 1024) {
            throw new IllegalArgumentException("memoryKiB must be at least 8 x parallelism and at most 4 GiB, was " + memoryKiB);
        }
        this.memoryKiB = memoryKiB;
        this.iterations = Checks.positive("iterations", iterations);
        this.parallelism = Checks.positive("parallelism", parallelism);
    }

    @Override
    public String algorithm() {
        return "argon2id";
    }

    @Override
    public String hash(byte[] secret) {
        requireNonNull(secret, "secret");
        return argon2.hash(iterations, memoryKiB, parallelism, secret);
    }

    @Override
    public boolean verify(String encoded, byte[] secret) {
        requireNonNull(encoded, "encoded");
        requireNonNull(secret, "secret");
        if (!canVerify(encoded)) {
            return false;
        }
        try {
            // argon2_verify recomputes the hash and compares it in constant time (libargon2's argon2_compare).
            return argon2.verify(encoded, secret);
        } catch (RuntimeException e) {
            LOG.debug("stored argon2id hash could not be read: {}", e.getClass().getName());
            return false;
        }
    }

    @Override
    public boolean canVerify(String encoded) {
        return encoded.startsWith(PREFIX);
    }

    @Override
    public boolean needsRehash(String encoded) {
        if (!canVerify(encoded)) {
            return true;
        }
        try {
            return argon2.needsRehash(encoded, iterations, memoryKiB, parallelism);
        } catch (RuntimeException e) {
            return true;
        }
    }

    @Override
    public String toString() {
        return "Argon2id[m=" + memoryKiB + "KiB, t=" + iterations + ", p=" + parallelism + "]";
    }
}
