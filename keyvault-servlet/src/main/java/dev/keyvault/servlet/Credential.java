package dev.keyvault.servlet;

import static java.util.Objects.requireNonNull;

/**
 * What {@link CredentialResolver#resolve} found in a request: {@link None no credential}, a
 * credential {@link Bad stated badly}, or a presented {@link Token}. An entry point switches on it:
 *
 * <pre>{@code
 * switch (resolver.resolve(request)) {
 *     case Credential.None none -> responses.missingCredential(response);       // 401
 *     case Credential.Bad bad -> responses.badCredential(response, bad.problem()); // 400 or 431
 *     case Credential.Token token -> ... // token.wellFormed() ? verify : responses.invalidToken(response)
 * }
 * }</pre>
 *
 * Immutable values.
 */
public sealed interface Credential {

    /** No credential in any accepted header. */
    Credential NONE = new None();

    /** How a credential header was stated badly; {@link ProblemResponses#badCredential} answers each. */
    enum Problem {
        /** The {@code Authorization: Bearer} and the API-key header hold different keys: 400. */
        CONFLICTING,
        /** A credential header appears more than once: 400. */
        REPEATED,
        /** {@code Bearer} with nothing after it, or an empty API-key header: 400. */
        EMPTY,
        /** Longer than the configured maximum ({@link ApiKeyFilterConfig#maxCredentialLength()}): 431. */
        TOO_LARGE
    }

    /** No credential in any accepted header: answer 401 with a bare challenge. */
    record None() implements Credential {}

    /**
     * A credential header stated badly: answer with {@link ProblemResponses#badCredential}, never
     * guess which key was meant.
     *
     * @param problem what is wrong
     */
    record Bad(Problem problem) implements Credential {
        public Bad {
            requireNonNull(problem, "problem");
        }
    }

    /**
     * A presented key. When {@code wellFormed} is false the value is not an RFC 6750
     * {@code b64token} (spaces, non-ASCII, control characters…): answer it exactly like any other
     * invalid key, without passing it to the {@code KeyManager}. {@link #toString()} never shows
     * the value.
     *
     * @param value     the key as presented, without the {@code Bearer} scheme and surrounding blanks
     * @param wellFormed whether it is an RFC 6750 {@code b64token}
     */
    record Token(String value, boolean wellFormed) implements Credential {
        public Token {
            requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return "Token[…]"; // never the key itself
        }
    }
}
