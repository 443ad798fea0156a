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
}
