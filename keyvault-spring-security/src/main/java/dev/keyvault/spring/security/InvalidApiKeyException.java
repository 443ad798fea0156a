package dev.keyvault.spring.security;

import static java.util.Objects.requireNonNull;

import dev.keyvault.RejectionReason;
import java.time.Instant;
import java.util.Optional;
import org.springframework.security.authentication.BadCredentialsException;

/**
 * A presented API key was rejected: malformed, unknown, wrong, revoked or expired — the entry point
 * answers each of these with the same 401 {@code invalid_token}, the reason being for the server's
 * own bookkeeping (failure limiting, usage of a revoked key) — or refused by a key policy after its
 * secret matched, answered as the servlet filter does: 403 for a client address outside the key's
 * allowlist, 429 (with {@code Retry-After} until the refill) for a key out of credits. The message
 * never holds the key.
 */
public final class InvalidApiKeyException extends BadCredentialsException {
    private static final long serialVersionUID = 1L;

    private final RejectionReason reason;
    private final String keyId;
    private final Instant retryAt;

    /**
     * @param reason why the key was rejected
     * @param keyId  the key the caller proved to hold (present only for {@code REVOKED} and
     *               {@code EXPIRED}), see {@code VerificationResult.keyId()}
     */
    public InvalidApiKeyException(RejectionReason reason, Optional<String> keyId) {
        this(reason, keyId, Optional.empty());
    }

    /**
     * @param retryAt for {@code CREDITS_EXHAUSTED}: when the key's credits refill, if they do
     */
    public InvalidApiKeyException(RejectionReason reason, Optional<String> keyId, Optional<Instant> retryAt) {
        super("The API key is invalid, revoked or expired");
        this.reason = requireNonNull(reason, "reason");
        this.keyId = requireNonNull(keyId, "keyId").orElse(null);
        this.retryAt = requireNonNull(retryAt, "retryAt").orElse(null);
    }

    /** When a key out of credits gets them back ({@code CREDITS_EXHAUSTED} with a refill); empty otherwise. */
    public Optional<Instant> retryAt() {
        return Optional.ofNullable(retryAt);
    }

    /** Why the key was rejected. */
    public RejectionReason reason() {
        return reason;
    }

    /**
     * The key whose secret was presented: for a revoked or expired key, and for one a key policy
     * refused ({@code IP_NOT_ALLOWED}, {@code CREDITS_EXHAUSTED}); empty otherwise.
     */
    public Optional<String> keyId() {
        return Optional.ofNullable(keyId);
    }

    /** Whether this counts against the client's failure limit: a malformed, unknown or wrong key. */
    public boolean isFailure() {
        return reason == RejectionReason.MALFORMED || reason == RejectionReason.UNKNOWN || reason == RejectionReason.INVALID;
    }
}
