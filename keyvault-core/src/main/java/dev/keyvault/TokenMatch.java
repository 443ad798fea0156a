package dev.keyvault;

import static java.util.Objects.requireNonNull;

/**
 * A keyvault-shaped token found in text by a {@link TokenScanner}: where it is and whose key it
 * names — never its secret. A match says the text holds a string of keyvault's format with a valid
 * checksum; whether that is a live key is the key store's answer ({@code KeyManager.get(keyId)}).
 *
 * @param offset        where the token starts, in characters (a {@code Reader}) or bytes (a stream)
 *                      from the start of the input
 * @param length        its length
 * @param prefix        its prefix, such as {@code kb_live}
 * @param keyId         the public key id it names
 * @param checksumValid whether its checksum holds ({@link TokenScanner} reports only such matches
 *                      unless asked for near misses)
 */
public record TokenMatch(long offset, int length, String prefix, String keyId, boolean checksumValid) {
    public TokenMatch {
        if (offset < 0 || length <= 0) {
            throw new IllegalArgumentException("offset and length must be positive");
        }
        requireNonNull(prefix, "prefix");
        Syntax.keyId(keyId);
    }
}
