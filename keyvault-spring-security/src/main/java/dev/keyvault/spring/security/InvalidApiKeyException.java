package dev.keyvault.spring.security;

import static java.util.Objects.requireNonNull;

import dev.keyvault.RejectionReason;
import java.util.Optional;
import org.springframework.security.authentication.BadCredentialsException;

/**
 * A presented API key was rejected: malformed, unknown, wrong, revoked or expired. The entry point
 * answers every reason with the same 401 {@code invalid_token}; the reason is for the server's own
 * bookkeeping (failure limiting, usage of a revoked key) and never reaches the client. The message
 * never holds the key.
 */
public final class InvalidApiKeyException extends BadCredentialsException {
    private static final long serialVersionUID = 1L;

    private final RejectionReason reason;
    private final String keyId;

    /**
     * @param reason why the key was rejected
     * @param keyId  the key the caller proved to hold (present only for {@code REVOKED} and
     *               {@code EXPIRED}), see {@code VerificationResult.keyId()}
     */
    public InvalidApiKeyException(RejectionReason reason, Optional<String> keyId) {
        super("The API key is invalid, revoked or expired");
        this.reason = requireNonNull(reason, "reason");
        this.keyId = requireNonNull(keyId, "keyId").orElse(null);
    }

    /** Why the key was rejected. */
    public RejectionReason reason() {
        return reason;
    }

    /** The key whose secret was presented, for a revoked or expired key; empty otherwise. */
    public Optional<String> keyId() {
        return Optional.ofNullable(keyId);
    }

    /** Whether this counts against the client's failure limit: a malformed, unknown or wrong key. */
    public boolean isFailure() {
        return reason == RejectionReason.MALFORMED || reason == RejectionReason.UNKNOWN || reason == RejectionReason.INVALID;
    }
}
