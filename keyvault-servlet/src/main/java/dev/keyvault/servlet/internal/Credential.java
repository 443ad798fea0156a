package dev.keyvault.servlet.internal;

import static java.util.Objects.requireNonNull;

/** What {@link CredentialResolver} found in a request. */
public sealed interface Credential {

    /** No credential in any accepted header. */
    Credential NONE = new None();

    /** A credential header stated badly. */
    enum Problem {
        /** {@code Authorization: Bearer} and the API-key header hold different keys. */
        CONFLICTING,
        /** A credential header appears more than once. */
        REPEATED,
        /** {@code Bearer} with nothing after it, or an empty API-key header. */
        EMPTY,
        /** Longer than the configured maximum. */
        TOO_LARGE
    }

    record None() implements Credential {}

    record Bad(Problem problem) implements Credential {
        public Bad {
            requireNonNull(problem, "problem");
        }
    }

    /**
     * A presented key. {@code syntacticallyValid} is false when the value is not an RFC 6750
     * {@code b64token} (spaces, non-ASCII, control characters…): it is then answered exactly like
     * any other invalid key, without being passed to the key manager.
     */
    record Token(String value, boolean syntacticallyValid) implements Credential {
        public Token {
            requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return "Token[…]"; // never the key itself
        }
    }
}
