package dev.keyvault.internal;

import static java.util.Objects.requireNonNull;

import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import de.mkammerer.argon2.Argon2Factory.Argon2Types;
import de.mkammerer.argon2.Argon2Version;
import dev.keyvault.HashingException;
import dev.keyvault.spi.KeyHasher;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argon2id through argon2-jvm (the reference C implementation over JNA). Encoded form is the
 * reference PHC string, {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, with a 16-byte salt
 * and a 32-byte hash. Thread-safe: the native functions keep no shared state.
 *
 * <p>Verification computes the raw hash with the stored parameters and compares it here in constant
 * time, rather than calling argon2-jvm's {@code verify}: that one answers {@code false} for every
 * native error, so a failed memory allocation would look like a wrong secret. Here a hash that
 * cannot be computed, or a stored hash that cannot be read, is a {@link HashingException}.
 */
public final class Argon2idHasher implements KeyHasher {
    private static final String PREFIX = "$argon2id$";
    private static final Pattern ENCODED = Pattern.compile(
            "\\$argon2id\\$(?:v=(\\d{1,3})\\$)?m=(\\d{1,10}),t=(\\d{1,10}),p=(\\d{1,3})\\$([A-Za-z0-9+/]{11,128})\\$([A-Za-z0-9+/]{6,512})");
    private static final int SALT_LENGTH = 16;
    private static final int HASH_LENGTH = 32;

    private final Argon2Advanced argon2 = Argon2Factory.createAdvanced(Argon2Types.ARGON2id, SALT_LENGTH, HASH_LENGTH);
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
        try {
            return argon2.hash(iterations, memoryKiB, parallelism, secret);
        } catch (RuntimeException e) {
            throw new HashingException("argon2id could not hash a secret: " + e.getMessage(), e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws HashingException if {@code encoded} is an argon2id hash that cannot be read, or the hash
     *                          cannot be computed (native error, such as a failed memory allocation)
     */
    @Override
    public boolean verify(String encoded, byte[] secret) {
        requireNonNull(encoded, "encoded");
        requireNonNull(secret, "secret");
        if (!canVerify(encoded)) {
            return false;
        }
        Parsed p = Parsed.of(encoded);
        byte[] computed;
        try {
            computed = argon2.rawHashAdvanced(p.iterations, p.memoryKiB, p.parallelism, secret, p.salt, null, null,
                    p.hash.length, p.version);
        } catch (RuntimeException e) {
            // argon2-jvm's message is libargon2's error text and code, such as "Memory allocation error (-22)".
            throw new HashingException("argon2id could not check a secret (m=" + p.memoryKiB + "KiB, t=" + p.iterations
                    + ", p=" + p.parallelism + "): " + e.getMessage(), e);
        }
        try {
            return MessageDigest.isEqual(computed, p.hash);
        } finally {
            Arrays.fill(computed, (byte) 0);
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
            Parsed p = Parsed.of(encoded);
            return p.version != Argon2Version.V13 || p.memoryKiB != memoryKiB || p.iterations != iterations
                    || p.parallelism != parallelism || p.salt.length != SALT_LENGTH || p.hash.length != HASH_LENGTH;
        } catch (HashingException e) {
            return true;
        }
    }

    @Override
    public String toString() {
        return "Argon2id[m=" + memoryKiB + "KiB, t=" + iterations + ", p=" + parallelism + "]";
    }

    /** A stored hash taken apart; every number is range-checked so no native call sees a bad one. */
    private record Parsed(Argon2Version version, int memoryKiB, int iterations, int parallelism, byte[] salt, byte[] hash) {
        static Parsed of(String encoded) {
            Matcher m = ENCODED.matcher(encoded);
            if (!m.matches()) {
                throw unreadable("it is not a PHC string $argon2id$v=19$m=<KiB>,t=<n>,p=<n>$<salt>$<hash>");
            }
            Argon2Version version;
            if (m.group(1) == null || m.group(1).equals("16")) {
                version = Argon2Version.V10;
            } else if (m.group(1).equals("19")) {
                version = Argon2Version.V13;
            } else {
                throw unreadable("unknown version");
            }
            long memory = Long.parseLong(m.group(2));
            long iterations = Long.parseLong(m.group(3));
            int parallelism = Integer.parseInt(m.group(4));
            if (parallelism < 1 || parallelism > 255 || iterations < 1 || iterations > Integer.MAX_VALUE
                    || memory < 8L * parallelism || memory > Integer.MAX_VALUE) {
                throw unreadable("parameters out of range");
            }
            byte[] salt;
            byte[] hash;
            try {
                salt = Base64.getDecoder().decode(m.group(5));
                hash = Base64.getDecoder().decode(m.group(6));
            } catch (IllegalArgumentException e) {
                throw unreadable("bad base64");
            }
            if (salt.length < 8 || hash.length < 4) {
                throw unreadable("salt or hash too short");
            }
            return new Parsed(version, (int) memory, (int) iterations, parallelism, salt, hash);
        }

        private static HashingException unreadable(String why) {
            return new HashingException("a stored argon2id hash cannot be read: " + why);
        }
    }
}
