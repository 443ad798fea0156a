package dev.keyvault.testing;

import static java.util.Objects.requireNonNull;

import dev.keyvault.Syntax;
import dev.keyvault.internal.ParsedToken;
import dev.keyvault.internal.TokenFormat;
import java.security.SecureRandom;

/**
 * Tokens for negative tests of host applications: well-formed (right prefix, alphabet, length and
 * checksum), so they get past the format check to the part of the system under test, but carrying a
 * secret or an id that nobody issued.
 */
public final class Tokens {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {}

    /** {@code token}'s prefix and key id with a random secret: verifies as {@code INVALID}. */
    public static String withWrongSecret(String token) {
        TokenFormat format = formatOf(token);
        String keyId = token.substring(format.prefix().length() + 1, format.prefix().length() + 1 + Syntax.KEY_ID_LENGTH);
        return format.format(keyId, TokenFormat.newSecret(RANDOM));
    }

    /** A token of {@code token}'s prefix with a random id and secret: verifies as {@code UNKNOWN}. */
    public static String withUnknownId(String token) {
        return formatOf(token).format(TokenFormat.newKeyId(RANDOM), TokenFormat.newSecret(RANDOM));
    }

    private static TokenFormat formatOf(String token) {
        requireNonNull(token, "token");
        int tail = 1 + Syntax.KEY_ID_LENGTH + 1 + TokenFormat.SECRET_LENGTH + TokenFormat.CHECKSUM_LENGTH;
        if (token.length() <= tail) {
            throw new IllegalArgumentException("not a keyvault token");
        }
        TokenFormat format = new TokenFormat(token.substring(0, token.length() - tail));
        ParsedToken parsed = format.parse(token);
        if (parsed == null) {
            throw new IllegalArgumentException("not a well-formed keyvault token");
        }
        parsed.wipe(); // only the format was wanted; the parse buffer holds the secret
        return format;
    }
}
