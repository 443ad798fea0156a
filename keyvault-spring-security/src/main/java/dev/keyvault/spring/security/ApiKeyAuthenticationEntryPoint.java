package dev.keyvault.spring.security;

import static java.util.Objects.requireNonNull;

import dev.keyvault.KeyManager;
import dev.keyvault.RejectionReason;
import dev.keyvault.servlet.ApiKeyFilterConfig;
import dev.keyvault.servlet.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * Answers requests that could not be authenticated with a key, as the servlet filter does
 * (RFC 6750 §3, {@code application/problem+json} bodies written by {@link ProblemResponses}):
 * <ul>
 *   <li>no key, on a route that needs one → 401 {@code WWW-Authenticate: Bearer realm="…"};</li>
 *   <li>a malformed, unknown, wrong, revoked or expired key ({@link InvalidApiKeyException}) → 401
 *       {@code error="invalid_token"}, one description for all;</li>
 *   <li>a valid key used from a client address outside its IP allowlist → 403, naming neither;</li>
 *   <li>a valid key out of usage credits → 429, with {@code Retry-After} until the refill if the
 *       credits refill;</li>
 *   <li>the key could not be checked ({@link ApiKeyUnavailableException}) → 503 with
 *       {@code Retry-After}.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class ApiKeyAuthenticationEntryPoint implements AuthenticationEntryPoint {
    private final ProblemResponses responses;
    private final Clock clock;

    /**
     * Writing with {@code responses}; {@code clock} turns a credit refill's time into the seconds of
     * {@code Retry-After} (the {@code KeyManager}'s clock).
     */
    public ApiKeyAuthenticationEntryPoint(ProblemResponses responses, Clock clock) {
        this.responses = requireNonNull(responses, "responses");
        this.clock = requireNonNull(clock, "clock");
    }

    /** With the realm, {@code Retry-After} and clock of {@code config} (the clock of {@code keys} if it sets none). */
    public static ApiKeyAuthenticationEntryPoint from(ApiKeyFilterConfig config, KeyManager keys) {
        return new ApiKeyAuthenticationEntryPoint(ProblemResponses.from(config), config.clock().orElseGet(keys::clock));
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        ProblemResponses.releaseUnreadBody(request, response);
        if (failure instanceof ApiKeyUnavailableException) {
            responses.unavailable(response);
        } else if (failure instanceof InvalidApiKeyException invalid && invalid.reason() == RejectionReason.IP_NOT_ALLOWED) {
            responses.addressNotAllowed(response);
        } else if (failure instanceof InvalidApiKeyException invalid && invalid.reason() == RejectionReason.CREDITS_EXHAUSTED) {
            responses.creditsExhausted(response, invalid.retryAt(), clock);
        } else if (failure instanceof InvalidApiKeyException) {
            responses.invalidToken(response);
        } else {
            responses.missingCredential(response);
        }
    }
}
