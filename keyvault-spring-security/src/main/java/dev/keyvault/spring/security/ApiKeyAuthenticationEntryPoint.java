package dev.keyvault.spring.security;

import static java.util.Objects.requireNonNull;

import dev.keyvault.servlet.ApiKeyFilterConfig;
import dev.keyvault.servlet.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * Answers requests that could not be authenticated with a key, as the servlet filter does
 * (RFC 6750 §3, {@code application/problem+json} bodies written by {@link ProblemResponses}):
 * <ul>
 *   <li>no key, on a route that needs one → 401 {@code WWW-Authenticate: Bearer realm="…"};</li>
 *   <li>a malformed, unknown, wrong, revoked or expired key ({@link InvalidApiKeyException}) → 401
 *       {@code error="invalid_token"}, one description for all;</li>
 *   <li>the key could not be checked ({@link ApiKeyUnavailableException}) → 503 with
 *       {@code Retry-After}.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class ApiKeyAuthenticationEntryPoint implements AuthenticationEntryPoint {
    private final ProblemResponses responses;

    /** Writing with {@code responses}. */
    public ApiKeyAuthenticationEntryPoint(ProblemResponses responses) {
        this.responses = requireNonNull(responses, "responses");
    }

    /** With the realm and {@code Retry-After} of {@code config}. */
    public static ApiKeyAuthenticationEntryPoint from(ApiKeyFilterConfig config) {
        return new ApiKeyAuthenticationEntryPoint(ProblemResponses.from(config));
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        ProblemResponses.releaseUnreadBody(request, response);
        if (failure instanceof ApiKeyUnavailableException) {
            responses.unavailable(response);
        } else if (failure instanceof InvalidApiKeyException) {
            responses.invalidToken(response);
        } else {
            responses.missingCredential(response);
        }
    }
}
