package dev.keyvault.internal;

import static java.util.Objects.requireNonNull;

import dev.keyvault.HashingException;
import dev.keyvault.spi.KeyHasher;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * bcrypt ({@code $2a$}, {@code $2b$}, {@code $2y$}), through Bouncy Castle's {@code OpenBSDBCrypt}:
 * for keys imported from a system that stored bcrypt hashes. Bouncy Castle
 * ({@code org.bouncycastle:bcprov-jdk18on}) is an optional dependency of keyvault-core: a host that
 * imports bcrypt hashes adds it; without it, building this hasher fails with a message saying so.
 * bcrypt reads at most 72 bytes of a secret. Thread-safe.
 */
public final class BcryptHasher implements KeyHasher {
    private static final Pattern ENCODED = Pattern.compile("\\$2[aby]\\$(\\d\\d)\\$[./A-Za-z0-9]{53}");
    private final int cost;
    private final SecureRandom random = new SecureRandom();

    public BcryptHasher(int cost) {
        if (cost < 4 || cost > 31) {
            throw new IllegalArgumentException("bcrypt cost must be 4-31, was " + cost);
        }
        try {
            Class.forName("org.bouncycastle.crypto.generators.OpenBSDBCrypt");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("bcrypt needs Bouncy Castle: add org.bouncycastle:bcprov-jdk18on to the application");
        }
        this.cost = cost;
    }

    @Override
    public String algorithm() {
        return "bcrypt";
    }

    @Override
    public String hash(byte[] secret) {
        requireNonNull(secret, "secret");
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        char[] password = chars(secret);
        try {
            return org.bouncycastle.crypto.generators.OpenBSDBCrypt.generate("2b", password, salt, cost);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    @Override
    public boolean verify(String encoded, byte[] secret) {
        requireNonNull(encoded, "encoded");
        requireNonNull(secret, "secret");
        if (!canVerify(encoded)) {
            return false;
        }
        if (!ENCODED.matcher(encoded).matches()) {
            throw new HashingException("a stored bcrypt hash cannot be read: it is not $2a$/$2b$/$2y$, a cost and 53 characters");
        }
        char[] password = chars(secret);
        try {
            // OpenBSDBCrypt.checkPassword compares in constant time.
            return org.bouncycastle.crypto.generators.OpenBSDBCrypt.checkPassword(encoded, password);
        } catch (RuntimeException e) {
            throw new HashingException("bcrypt could not check a secret: " + e.getClass().getSimpleName(), e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** The secret's bytes as chars one to one (ASCII tokens; bytes above 127 stay distinct). */
    private static char[] chars(byte[] secret) {
        String s = new String(secret, StandardCharsets.ISO_8859_1);
        char[] c = s.toCharArray();
        return c;
    }

    @Override
    public boolean canVerify(String encoded) {
        return encoded.startsWith("$2a$") || encoded.startsWith("$2b$") || encoded.startsWith("$2y$");
    }

    @Override
    public boolean needsRehash(String encoded) {
        return true; // an import format: keys move to the manager's current hasher
    }

    @Override
    public String toString() {
        return "Bcrypt[cost=" + cost + "]";
    }
}
