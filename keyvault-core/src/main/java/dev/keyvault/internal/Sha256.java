package dev.keyvault.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 with one reused {@link MessageDigest} per thread (getInstance costs more than hashing 32 bytes). */
public final class Sha256 {
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    });

    private Sha256() {}

    public static byte[] digest(byte[] data) {
        return digest(data, 0, data.length);
    }

    /** SHA-256 of {@code data[offset, offset+length)}. (digest() leaves the instance reset for the next call.) */
    public static byte[] digest(byte[] data, int offset, int length) {
        MessageDigest md = DIGEST.get();
        md.update(data, offset, length);
        return md.digest();
    }
}
