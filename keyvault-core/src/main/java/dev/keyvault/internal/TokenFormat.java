package dev.keyvault.internal;

import dev.keyvault.Syntax;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The printed form of a key, {@code <prefix>_<keyId>_<secret><checksum>}:
 * <ul>
 *   <li>{@code prefix}: segments of {@code [a-z][a-z0-9]{1,15}} joined by {@code _} (e.g. {@code kb_live});</li>
 *   <li>{@code keyId}: 12 base62 characters (71 random bits), public;</li>
 *   <li>{@code secret}: 32 base62 characters (190 random bits) from {@link SecureRandom};</li>
 *   <li>{@code checksum}: CRC32 of everything before it as 6 base62 characters (GitHub's scheme),
 *       so typos and truncations are rejected without any I/O.</li>
 * </ul>
 * Thread-safe.
 */
public final class TokenFormat {
    public static final int KEY_ID_LENGTH = Syntax.KEY_ID_LENGTH;
    public static final int SECRET_LENGTH = 32;
    public static final int CHECKSUM_LENGTH = 6;

    private final String prefix;
    private final byte[] prefixBytes;
    private final int keyIdOffset;
    private final int secretOffset;
    private final int checksumOffset;
    private final int length;

    public TokenFormat(String prefix) {
        this.prefix = Syntax.prefix(prefix);
        this.prefixBytes = (prefix + "_").getBytes(StandardCharsets.US_ASCII);
        this.keyIdOffset = prefixBytes.length;
        this.secretOffset = keyIdOffset + KEY_ID_LENGTH + 1;
        this.checksumOffset = secretOffset + SECRET_LENGTH;
        this.length = checksumOffset + CHECKSUM_LENGTH;
    }

    public String prefix() {
        return prefix;
    }

    /** The exact length of every token of this format. */
    public int length() {
        return length;
    }

    /** A fresh random key id. */
    public static String newKeyId(SecureRandom random) {
        byte[] id = new byte[KEY_ID_LENGTH];
        Base62.random(random, id, 0, KEY_ID_LENGTH);
        return new String(id, StandardCharsets.US_ASCII);
    }

    /** A fresh random secret as ASCII bytes; the caller wipes it. */
    public static byte[] newSecret(SecureRandom random) {
        byte[] secret = new byte[SECRET_LENGTH];
        Base62.random(random, secret, 0, SECRET_LENGTH);
        return secret;
    }

    /** The printed token for {@code keyId} and {@code secret}. */
    public String format(String keyId, byte[] secret) {
        Syntax.keyId(keyId);
        if (secret.length != SECRET_LENGTH) {
            throw new IllegalArgumentException("secret must be " + SECRET_LENGTH + " characters");
        }
        byte[] token = new byte[length];
        try {
            System.arraycopy(prefixBytes, 0, token, 0, prefixBytes.length);
            for (int i = 0; i < KEY_ID_LENGTH; i++) {
                token[keyIdOffset + i] = (byte) keyId.charAt(i);
            }
            token[keyIdOffset + KEY_ID_LENGTH] = '_';
            System.arraycopy(secret, 0, token, secretOffset, SECRET_LENGTH);
            Base62.encode(crc(token, checksumOffset), token, checksumOffset, CHECKSUM_LENGTH);
            return new String(token, StandardCharsets.US_ASCII);
        } finally {
            Arrays.fill(token, (byte) 0);
        }
    }

    /**
     * Parses {@code token}, or returns {@code null} if it is not a well-formed token of this prefix
     * with a valid checksum. Never throws; does no I/O; allocates only for tokens of the right length.
     */
    public ParsedToken parse(String token) {
        if (token == null || token.length() != length) {
            return null;
        }
        // ISO-8859-1 is an intrinsic copy of a compact string; any character above 127 becomes '?' or a
        // negative byte, and neither passes the exact prefix/separator checks or the base62 table.
        byte[] b = token.getBytes(StandardCharsets.ISO_8859_1);
        boolean wellFormed = false;
        try {
            for (int i = 0; i < prefixBytes.length; i++) {
                if (b[i] != prefixBytes[i]) {
                    return null;
                }
            }
            if (b[keyIdOffset + KEY_ID_LENGTH] != '_'
                    || !Base62.allBase62(b, keyIdOffset, KEY_ID_LENGTH)
                    || !Base62.allBase62(b, secretOffset, SECRET_LENGTH + CHECKSUM_LENGTH)) {
                return null;
            }
            if (Base62.decode(b, checksumOffset, CHECKSUM_LENGTH) != crc(b, checksumOffset)) {
                return null;
            }
            wellFormed = true;
            // the buffer (with the secret in place) now belongs to the ParsedToken, which wipes it
            return new ParsedToken(new String(b, keyIdOffset, KEY_ID_LENGTH, StandardCharsets.ISO_8859_1), b, secretOffset);
        } finally {
            if (!wellFormed) {
                Arrays.fill(b, (byte) 0);
            }
        }
    }

    /**
     * Whether {@code b[from, from+length)} is a token body with a valid checksum: every character
     * after the prefix base62 (the separators excepted, which the caller placed) and the last
     * {@value #CHECKSUM_LENGTH} characters the CRC32 of the rest. For scanners; does not wipe.
     */
    public static boolean checksumHolds(byte[] b, int from, int length) {
        int sum = from + length - CHECKSUM_LENGTH;
        if (!Base62.allBase62(b, sum, CHECKSUM_LENGTH)) {
            return false;
        }
        CRC32 crc = new CRC32();
        crc.update(b, from, length - CHECKSUM_LENGTH);
        return Base62.decode(b, sum, CHECKSUM_LENGTH) == crc.getValue();
    }

    /** Whether {@code b[from, from+n)} are all base62. */
    public static boolean allBase62(byte[] b, int from, int n) {
        return Base62.allBase62(b, from, n);
    }

    private static long crc(byte[] b, int len) {
        CRC32 crc = new CRC32();
        crc.update(b, 0, len);
        return crc.getValue();
    }

    @Override
    public String toString() {
        return "TokenFormat[" + prefix + "_<keyId>_<secret><checksum>]";
    }
}
