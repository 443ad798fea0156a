package dev.keyvault.internal;

import static java.util.Objects.requireNonNull;

import dev.keyvault.HashingException;
import dev.keyvault.spi.KeyHasher;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PBKDF2 in Django's encoding, {@code pbkdf2_sha256$<iterations>$<salt>$<base64 hash>} (also
 * {@code pbkdf2_sha1}): for keys imported from Django REST Framework API Key 2.x and the many
 * hand-rolled tables that copied its hasher. The JDK computes it; the salt is the text between the
 * separators, as Django uses it. Thread-safe.
 */
public final class Pbkdf2Hasher implements KeyHasher {
    private static final Pattern ENCODED = Pattern.compile("pbkdf2_(sha256|sha1)\\$(\\d{1,7})\\$([^$]{1,128})\\$([A-Za-z0-9+/=]{20,100})");
    private static final int MAX_ITERATIONS = 10_000_000;
    private final int iterations;
    private final SecureRandom random = new SecureRandom();

    public Pbkdf2Hasher(int iterations) {
        if (iterations < 1_000 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("pbkdf2 iterations must be 1,000-10,000,000, was " + iterations);
        }
        this.iterations = iterations;
    }

    @Override
    public String algorithm() {
        return "pbkdf2_sha256";
    }

    @Override
    public String hash(byte[] secret) {
        requireNonNull(secret, "secret");
        byte[] saltChars = new byte[22];
        Base62.random(random, saltChars, 0, saltChars.length);
        String salt = new String(saltChars, StandardCharsets.US_ASCII);
        byte[] dk = derive("sha256", secret, salt, iterations, 32);
        try {
            return "pbkdf2_sha256$" + iterations + "$" + salt + "$" + Base64.getEncoder().encodeToString(dk);
        } finally {
            Arrays.fill(dk, (byte) 0);
        }
    }

    @Override
    public boolean verify(String encoded, byte[] secret) {
        requireNonNull(encoded, "encoded");
        requireNonNull(secret, "secret");
        if (!canVerify(encoded)) {
            return false;
        }
        Matcher m = ENCODED.matcher(encoded);
        if (!m.matches()) {
            throw new HashingException("a stored pbkdf2 hash cannot be read: it is not pbkdf2_<sha256|sha1>$<iterations>$<salt>$<hash>");
        }
        int n = Integer.parseInt(m.group(2));
        if (n < 1 || n > MAX_ITERATIONS) {
            throw new HashingException("a stored pbkdf2 hash cannot be read: iterations out of range");
        }
        byte[] expected;
        try {
            expected = Base64.getDecoder().decode(m.group(4));
        } catch (IllegalArgumentException e) {
            throw new HashingException("a stored pbkdf2 hash cannot be read: bad base64");
        }
        byte[] actual = derive(m.group(1), secret, m.group(3), n, expected.length);
        try {
            return MessageDigest.isEqual(actual, expected);
        } finally {
            Arrays.fill(actual, (byte) 0);
        }
    }

    private static byte[] derive(String digest, byte[] secret, String salt, int iterations, int length) {
        char[] password = new String(secret, StandardCharsets.ISO_8859_1).toCharArray();
        PBEKeySpec spec = new PBEKeySpec(password, salt.getBytes(StandardCharsets.UTF_8), iterations, length * 8);
        try {
            return SecretKeyFactory.getInstance(digest.equals("sha1") ? "PBKDF2WithHmacSHA1" : "PBKDF2WithHmacSHA256")
                    .generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new HashingException("pbkdf2 could not check a secret: " + e.getClass().getSimpleName(), e);
        } finally {
            spec.clearPassword();
            Arrays.fill(password, '\0');
        }
    }

    @Override
    public boolean canVerify(String encoded) {
        return encoded.startsWith("pbkdf2_sha256$") || encoded.startsWith("pbkdf2_sha1$");
    }

    @Override
    public boolean needsRehash(String encoded) {
        return true; // an import format: keys move to the manager's current hasher
    }

    @Override
    public String toString() {
        return "Pbkdf2[sha256, " + iterations + " iterations]";
    }
}
