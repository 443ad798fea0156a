package dev.keyvault.internal;

import java.security.SecureRandom;

/** The base62 alphabet {@code 0-9A-Za-z}: no punctuation, so a token is one word for double-click selection. */
public final class Base62 {
    static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    /** Digit value by byte ({@code b & 0xff}); -1 for every byte outside the alphabet. */
    private static final byte[] DIGIT = new byte[256];

    static {
        java.util.Arrays.fill(DIGIT, (byte) -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            DIGIT[ALPHABET[i]] = (byte) i;
        }
    }

    private Base62() {}

    /**
     * Whether {@code b[from, from+n)} are all base62. One table load per byte and no branch: the
     * digits are OR-ed, and the -1 of any outsider makes the result negative. (Runs on every verify.)
     */
    static boolean allBase62(byte[] b, int from, int n) {
        int acc = 0;
        for (int i = from; i < from + n; i++) {
            acc |= DIGIT[b[i] & 0xff];
        }
        return acc >= 0;
    }

    /** The value of {@code n} base62 digits at {@code offset} (already checked to be base62). */
    static long decode(byte[] from, int offset, int n) {
        long v = 0;
        for (int i = offset; i < offset + n; i++) {
            v = v * 62 + DIGIT[from[i] & 0xff];
        }
        return v;
    }

    /** {@code n} characters, each uniform over the alphabet ({@code nextInt(62)} has no modulo bias). */
    static void random(SecureRandom random, byte[] into, int offset, int n) {
        for (int i = 0; i < n; i++) {
            into[offset + i] = (byte) ALPHABET[random.nextInt(ALPHABET.length)];
        }
    }

    /** {@code value} (non-negative) as exactly {@code width} characters, left-padded with {@code 0}. */
    static void encode(long value, byte[] into, int offset, int width) {
        long v = value;
        for (int i = width - 1; i >= 0; i--) {
            into[offset + i] = (byte) ALPHABET[(int) (v % 62)];
            v /= 62;
        }
        if (v != 0) {
            throw new IllegalArgumentException("value does not fit in " + width + " base62 characters");
        }
    }
}
