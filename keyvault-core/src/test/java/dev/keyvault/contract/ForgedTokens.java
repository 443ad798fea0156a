package dev.keyvault.contract;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.zip.CRC32;

/**
 * Builds tokens that pass the format and checksum checks but carry a secret nobody issued — what an
 * attacker who knows a public key id can produce. Mirrors the documented format on purpose (tests
 * must not reuse the implementation they test).
 */
public final class ForgedTokens {
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ForgedTokens() {}

    /** {@code <prefix>_<keyId>_<random secret><valid checksum>} with the prefix of {@code model}. */
    public static String withRandomSecret(String model, String keyId) {
        String prefix = model.substring(0, model.length() - (1 + 12 + 1 + 32 + 6));
        return checksummed(prefix + "_" + keyId + "_" + random(32));
    }

    /** A well-formed token with a random id and secret. */
    public static String random(String prefix) {
        return checksummed(prefix + "_" + random(12) + "_" + random(32));
    }

    public static String checksummed(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        long v = crc.getValue();
        char[] out = new char[6];
        for (int i = 5; i >= 0; i--) {
            out[i] = ALPHABET.charAt((int) (v % 62));
            v /= 62;
        }
        return body + new String(out);
    }

    public static String random(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(62)));
        }
        return sb.toString();
    }
}
