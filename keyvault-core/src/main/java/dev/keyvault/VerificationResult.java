package dev.keyvault;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.Set;

/**
 * The outcome of {@link KeyManager#verify(String)}: {@link Verified} or {@link Rejected}. Switch on
 * it, or use {@link #isVerified()}.
 */
public sealed interface VerificationResult permits VerificationResult.Verified, VerificationResult.Rejected {

    /** {@code true} for {@link Verified}. */
    boolean isVerified();

    /**
     * The id of the key the token proved possession of: present when verified, and when rejected as
     * {@code REVOKED}, {@code EXPIRED}, {@code IP_NOT_ALLOWED} or {@code CREDITS_EXHAUSTED} (the secret
     * matched, so usage can be recorded against the key — that is how a consumer still on a dead key,
     * or an attempt from outside an allowlist, is found). Absent for {@code MALFORMED}, {@code UNKNOWN}
     * and {@code INVALID}: a stranger who knows a public key id must not be able to write usage
     * against it.
     */
    Optional<String> keyId();

    /** The token is a live key of this manager. */
    record Verified(ApiKey key) implements VerificationResult {
        public Verified {
            requireNonNull(key, "key");
        }

        @Override
        public boolean isVerified() {
            return true;
        }

        @Override
        public Optional<String> keyId() {
            return Optional.of(key.id());
        }

        public String owner() {
            return key.owner();
        }

        public Set<String> scopes() {
            return key.scopes();
        }

        public String tier() {
            return key.tier();
        }

        /** The host's metadata of the key (see {@link ApiKey#metadata()}). */
        public java.util.Map<String, String> metadata() {
            return key.metadata();
        }

        /** See {@link ApiKey#grants(String)}. */
        public boolean grants(String scope) {
            return key.grants(scope);
        }
    }

    /**
     * The token was refused, and why.
     *
     * @param reason  why
     * @param keyId   the key, when the secret matched (see {@link VerificationResult#keyId()})
     * @param retryAt for {@code CREDITS_EXHAUSTED}: when the key's credits are next refilled, if its
     *                rule refills them (a filter answers it as {@code Retry-After})
     */
    record Rejected(RejectionReason reason, Optional<String> keyId, Optional<java.time.Instant> retryAt)
            implements VerificationResult {
        public Rejected {
            requireNonNull(reason, "reason");
            requireNonNull(keyId, "keyId");
            if (keyId.isPresent() != reason.secretMatched()) {
                throw new IllegalArgumentException("exactly the rejections whose secret matched name the key");
            }
            requireNonNull(retryAt, "retryAt");
            if (retryAt.isPresent() && reason != RejectionReason.CREDITS_EXHAUSTED) {
                throw new IllegalArgumentException("only a CREDITS_EXHAUSTED rejection has a retry time");
            }
        }

        /** A rejection without a retry time. */
        public Rejected(RejectionReason reason, Optional<String> keyId) {
            this(reason, keyId, Optional.empty());
        }

        public static Rejected of(RejectionReason reason) {
            return new Rejected(reason, Optional.empty());
        }

        @Override
        public boolean isVerified() {
            return false;
        }
    }
}
