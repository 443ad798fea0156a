package dev.keyvault;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How tokens of the system keyvault replaced are found and checked, so that imported keys keep
 * working until they are rotated into keyvault's format ({@code KeyManagerBuilder.legacyTokens}). A
 * token that is not in keyvault's format is given to {@link #parse}: if it answers, the key is looked
 * up by the {@link LegacyToken#lookup()} value stored with it at import, its secret checked against
 * the imported hash, and from there on it goes through the same protections, cache, revocation and
 * usage as keyvault's own keys.
 *
 * <p>Two built-in formats cover the common schemes; a host with another one implements this one
 * method. Implementations must not log or keep the token, and must not throw for any string.
 */
@FunctionalInterface
public interface LegacyTokenFormat {
    /** The longest legacy token looked at. */
    int MAX_LENGTH = 512;

    /**
     * The lookup value and the secret of {@code token}, or empty if it is not a token of this format
     * (the verification is then {@code MALFORMED}, with no I/O).
     */
    Optional<LegacyToken> parse(String token);

    /**
     * Whether {@code token} could be a token of some legacy format: printable ASCII without spaces,
     * at most {@link #MAX_LENGTH} characters. What a filter lets reach verification when the
     * manager accepts legacy tokens, whatever RFC 6750 says of bearer tokens.
     */
    static boolean isPlausible(String token) {
        return LegacyToken.plausible(token);
    }

    /** What the stored hash of a {@link #separated} token covers. */
    enum Hashed {
        /** The whole token, lookup and separator included (django-rest-framework-api-key). */
        WHOLE_TOKEN,
        /** Only what follows the separator (Laravel Sanctum's {@code id|secret}). */
        AFTER_SEPARATOR
    }

    /**
     * Tokens made of a lookup id, a separator and a secret — {@code lookupId + separator + secret} —
     * such as django-rest-framework-api-key's {@code prefix.secret} ({@code separated(".",
     * Hashed.WHOLE_TOKEN)}) or Laravel Sanctum's {@code id|secret} ({@code separated("|",
     * Hashed.AFTER_SEPARATOR)}): the lookup id (letters, digits, {@code _} and {@code -}, 1–64) is
     * what was stored at import, and the hash covers what {@code hashed} says.
     */
    static LegacyTokenFormat separated(String separator, Hashed hashed) {
        requireNonNull(separator, "separator");
        requireNonNull(hashed, "hashed");
        if (separator.isEmpty() || separator.length() > 4 || !separator.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            throw new IllegalArgumentException("a separator is 1-4 visible ASCII characters");
        }
        Pattern lookup = Pattern.compile("[A-Za-z0-9_-]{1,64}");
        return token -> {
            if (!LegacyToken.plausible(token)) {
                return Optional.empty();
            }
            int at = token.indexOf(separator);
            if (at <= 0 || at + separator.length() >= token.length() || !lookup.matcher(token.substring(0, at)).matches()) {
                return Optional.empty();
            }
            String secret = hashed == Hashed.WHOLE_TOKEN ? token : token.substring(at + separator.length());
            return Optional.of(new LegacyToken(token.substring(0, at), secret.getBytes(StandardCharsets.US_ASCII)));
        };
    }

    /**
     * Tokens stored as a plain SHA-256 and found by it (Unkey's export, GitHub-style tables): the
     * lookup is the lowercase hex SHA-256 of the whole token, and the secret is the whole token (check
     * it against an imported {@code $sha256$<hex>} hash, or whatever it was rehashed to since).
     */
    static LegacyTokenFormat sha256Index() {
        return token -> {
            if (!LegacyToken.plausible(token)) {
                return Optional.empty();
            }
            byte[] secret = token.getBytes(StandardCharsets.US_ASCII);
            try {
                return Optional.of(new LegacyToken(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret)),
                        secret));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java platform has SHA-256", e);
            }
        };
    }

    /**
     * A legacy token taken apart. {@link #toString()} never shows the secret; the holder wipes it
     * with {@link #wipe()} when done.
     *
     * @param lookup the value the key is found by (stored with it at import)
     * @param secret the bytes the stored hash covers (not copied: the token's own copy)
     */
    record LegacyToken(String lookup, byte[] secret) {
        public LegacyToken {
            requireNonNull(lookup, "lookup");
            requireNonNull(secret, "secret");
        }

        /** Printable ASCII without spaces, at most {@link #MAX_LENGTH}: anything else is no token of any format. */
        static boolean plausible(String token) {
            if (token == null || token.isEmpty() || token.length() > MAX_LENGTH) {
                return false;
            }
            for (int i = 0; i < token.length(); i++) {
                char c = token.charAt(i);
                if (c <= 0x20 || c >= 0x7F) {
                    return false;
                }
            }
            return true;
        }

        public void wipe() {
            Arrays.fill(secret, (byte) 0);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof LegacyToken t && t.lookup.equals(lookup) && Arrays.equals(t.secret, secret);
        }

        @Override
        public int hashCode() {
            return lookup.hashCode();
        }

        @Override
        public String toString() {
            return "LegacyToken[lookup=" + lookup + ", secret=<hidden>]";
        }
    }
}
