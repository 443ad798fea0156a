package dev.keyvault;

import static java.util.Objects.requireNonNull;

import dev.keyvault.spi.StoredKey;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One key to bring over from the system keyvault replaces, for {@link KeyManager#importKey}: who it
 * belongs to and what it may do ({@link #spec()}), when it was created there (its age is what rotation
 * cadence and compliance judge), its id there ({@link #reference()}, which makes a bulk import
 * idempotent and resumable), and its secret — either the token in plaintext (hashed at import with
 * the manager's hasher) or the hash that system stored, in one of these forms:
 *
 * <ul>
 *   <li>{@code sha256:<64 hex digits>} — an unsalted SHA-256 of the token (Unkey's export);</li>
 *   <li>{@code $2a$…}, {@code $2b$…}, {@code $2y$…} — bcrypt (needs {@code KeyHashers.bcrypt()});</li>
 *   <li>{@code $argon2id$v=19$m=…,t=…,p=…$salt$hash} — Argon2id in the PHC format;</li>
 *   <li>{@code pbkdf2_sha256$<iterations>$<salt>$<hash>} — Django's PBKDF2 (needs {@code KeyHashers.pbkdf2()}).</li>
 * </ul>
 *
 * The hash must cover exactly what the manager's {@link LegacyTokenFormat} gives as the secret, and
 * {@link #legacyLookup()} is the value that format finds the key by (with a plaintext token both are
 * taken from the token). {@link #toString()} never shows a token or a hash. Immutable.
 */
public final class KeyImport {
    private static final Pattern SHA256_HEX = Pattern.compile("sha256:[0-9A-Fa-f]{64}");

    private final String reference;
    private final KeySpec spec;
    private final Instant createdAt;
    private final Optional<String> legacyLookup;
    private final Optional<String> hash;
    private final Optional<String> plaintext;

    private KeyImport(Builder b) {
        this.reference = b.reference;
        this.spec = b.spec;
        this.createdAt = b.createdAt;
        this.legacyLookup = Optional.ofNullable(b.legacyLookup);
        this.hash = Optional.ofNullable(b.hash);
        this.plaintext = Optional.ofNullable(b.plaintext);
    }

    /**
     * @param reference the key's id in the old system (printable ASCII without spaces, 1–200): importing
     *                  the same reference again does nothing
     * @param spec      owner, name, scopes, tier, environment, tags, expiry, risk class and actor, as for
     *                  {@code issue}
     * @param createdAt when the old system created it
     */
    public static Builder builder(String reference, KeySpec spec, Instant createdAt) {
        return new Builder(reference, spec, createdAt);
    }

    public String reference() {
        return reference;
    }

    public KeySpec spec() {
        return spec;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** The lookup value given with a hash; with a plaintext token it comes from the token. */
    public Optional<String> legacyLookup() {
        return legacyLookup;
    }

    /** The old system's hash, normalized to keyvault's encoding ({@code sha256:…} becomes {@code $sha256$…}). */
    public Optional<String> hash() {
        return hash;
    }

    /** The token, if given in plaintext. */
    public Optional<String> plaintext() {
        return plaintext;
    }

    @Override
    public String toString() {
        return "KeyImport[reference=" + reference + ", owner=" + spec.owner() + ", name=" + spec.name()
                + (plaintext.isPresent() ? ", plaintext=<hidden>" : ", hash=<hidden>") + "]";
    }

    /** Builds a {@link KeyImport}: give exactly one of {@link #hash} and {@link #plaintext}. Not thread-safe. */
    public static final class Builder {
        private final String reference;
        private final KeySpec spec;
        private final Instant createdAt;
        private String legacyLookup;
        private String hash;
        private String plaintext;

        private Builder(String reference, KeySpec spec, Instant createdAt) {
            requireNonNull(reference, "reference");
            if (!StoredKey.REFERENCE.matcher(reference).matches()) {
                throw new IllegalArgumentException("reference must be 1-200 printable ASCII characters without spaces");
            }
            this.reference = reference;
            this.spec = requireNonNull(spec, "spec");
            this.createdAt = requireNonNull(createdAt, "createdAt");
        }

        /**
         * The hash the old system stored (see the class comment for the forms) and the lookup value its
         * tokens find the key by.
         *
         * @throws IllegalArgumentException if the hash is in none of the forms (the message does not quote it)
         */
        public Builder hash(String encoded, String legacyLookup) {
            requireNonNull(encoded, "encoded");
            requireNonNull(legacyLookup, "legacyLookup");
            if (this.plaintext != null || this.hash != null) {
                throw new IllegalStateException("give a hash or a plaintext token, once");
            }
            if (!StoredKey.REFERENCE.matcher(legacyLookup).matches()) {
                throw new IllegalArgumentException("legacyLookup must be 1-200 printable ASCII characters without spaces");
            }
            this.hash = normalize(encoded);
            this.legacyLookup = legacyLookup;
            return this;
        }

        /** The old token itself: hashed at import; its lookup value and secret come from the manager's legacy format. */
        public Builder plaintext(String token) {
            requireNonNull(token, "token");
            if (this.plaintext != null || this.hash != null) {
                throw new IllegalStateException("give a hash or a plaintext token, once");
            }
            if (token.isEmpty() || token.length() > LegacyTokenFormat.MAX_LENGTH) {
                throw new IllegalArgumentException("a token is 1-" + LegacyTokenFormat.MAX_LENGTH + " characters");
            }
            this.plaintext = token;
            return this;
        }

        /** @throws IllegalStateException if neither a hash nor a plaintext token was given */
        public KeyImport build() {
            if (hash == null && plaintext == null) {
                throw new IllegalStateException("a key import needs the old hash or the plaintext token");
            }
            return new KeyImport(this);
        }

        private static String normalize(String encoded) {
            String e = encoded.strip();
            if (SHA256_HEX.matcher(e).matches()) {
                return "$sha256$" + e.substring(7).toLowerCase(java.util.Locale.ROOT);
            }
            if (e.startsWith("$sha256$") && e.length() == 72 && isHex(e.substring(8))) {
                return e.toLowerCase(java.util.Locale.ROOT);
            }
            if (e.matches("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}") || e.startsWith("$argon2id$")
                    || e.matches("pbkdf2_(sha256|sha1)\\$\\d{1,7}\\$[^$\\s]{1,128}\\$[A-Za-z0-9+/=]{20,100}")) {
                if (e.length() > 512) {
                    throw new IllegalArgumentException("an imported hash is at most 512 characters");
                }
                return e;
            }
            throw new IllegalArgumentException("an imported hash must be sha256:<hex>, bcrypt ($2a$/$2b$/$2y$), "
                    + "$argon2id$… or pbkdf2_sha256$…");
        }

        private static boolean isHex(String s) {
            try {
                HexFormat.of().parseHex(s);
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }
}
