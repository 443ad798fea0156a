package dev.keyvault.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.MessageDigest;

/**
 * Constant-time comparison of digests. The time depends only on the lengths, never on where the
 * arrays differ. For the 32-byte SHA-256 digests of the hot path it compares four 64-bit words
 * (XOR, OR, one test at the end), several times cheaper than {@link MessageDigest#isEqual}'s
 * per-byte loop, and just as free of data-dependent branches.
 */
public final class ConstantTime {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private ConstantTime() {}

    public static boolean equals(byte[] a, byte[] b) {
        if (a.length != 32 || b.length != 32) {
            return MessageDigest.isEqual(a, b);
        }
        long diff = ((long) LONGS.get(a, 0) ^ (long) LONGS.get(b, 0))
                | ((long) LONGS.get(a, 8) ^ (long) LONGS.get(b, 8))
                | ((long) LONGS.get(a, 16) ^ (long) LONGS.get(b, 16))
                | ((long) LONGS.get(a, 24) ^ (long) LONGS.get(b, 24));
        return diff == 0;
    }

    /** The {@code index}th 64-bit word of a 32-byte digest, or 0 when {@code digest} is not 32 bytes. */
    static long word(byte[] digest, int index) {
        return digest.length == 32 ? (long) LONGS.get(digest, index * 8) : 0L;
    }

    /** Whether the 32-byte {@code a} equals the digest held as four words, in constant time. */
    static boolean equals(byte[] a, long w0, long w1, long w2, long w3) {
        if (a.length != 32) {
            return false;
        }
        long diff = ((long) LONGS.get(a, 0) ^ w0) | ((long) LONGS.get(a, 8) ^ w1)
                | ((long) LONGS.get(a, 16) ^ w2) | ((long) LONGS.get(a, 24) ^ w3);
        return diff == 0;
    }
}
