package dev.keyvault;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * How the active keys' secrets are stored, from {@link KeyManager#hashingReport()}: how many keys use
 * each hash scheme (algorithm with its pepper or parameters) and whether that is the manager's
 * current one. Keys on another scheme move to the current one on their next successful verify; this
 * is how an operator sees a pepper replacement or the move off Argon2id progress, and when an old
 * pepper can be dropped (no key left on it). Revoked keys are not counted: they never verify again.
 *
 * @param current the scheme new keys are hashed with, such as {@code hmac-sha256 k=v2}
 * @param schemes every scheme in use, most keys first
 */
public record HashingReport(String current, List<Scheme> schemes) {
    public HashingReport {
        requireNonNull(current, "current");
        schemes = List.copyOf(requireNonNull(schemes, "schemes"));
    }

    /** Active keys not yet on the current scheme. */
    public long keysToMove() {
        return schemes.stream().filter(s -> !s.current()).mapToLong(Scheme::keys).sum();
    }

    /**
     * @param scheme   the algorithm and its pepper id or parameters, such as {@code hmac-sha256 k=v1} or
     *                 {@code argon2id m=19456,t=2,p=1}
     * @param keys     how many active keys use it
     * @param current  whether new keys are hashed this way
     * @param readable whether this manager can verify such keys at all (a pepper or algorithm no
     *                 configured hasher reads: those keys fail until it is configured again)
     */
    public record Scheme(String scheme, long keys, boolean current, boolean readable) {
        public Scheme {
            requireNonNull(scheme, "scheme");
        }
    }
}
