package dev.keyvault.spring.security;

import org.springframework.security.authentication.AuthenticationServiceException;

/**
 * An API key could not be checked: the key store failed, no hashing slot became free, a stored hash
 * could not be read. The entry point answers 503 with {@code Retry-After} — never 401, the key may
 * be fine. The cause is kept; the message holds no request data.
 */
public final class ApiKeyUnavailableException extends AuthenticationServiceException {
    private static final long serialVersionUID = 1L;

    /** @param cause what failed */
    public ApiKeyUnavailableException(Throwable cause) {
        super("API keys cannot be checked right now", cause);
    }
}
