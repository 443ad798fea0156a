package dev.keyvault.spring.security;

import dev.keyvault.KeyManager;
import dev.keyvault.VerificationRequest;
import dev.keyvault.VerificationResult;

/**
 * How {@link ApiKeyAuthenticationProvider} verifies a key: {@code keyManager::verify}, or a wrapper
 * that measures it (the Boot starter passes {@code KeyvaultMetrics::verify} when Micrometer is
 * present). Implementations are thread-safe and, like {@link KeyManager#verify(VerificationRequest)},
 * return a result for a bad key and throw only when the key cannot be checked.
 */
@FunctionalInterface
public interface KeyVerifier {

    /** Verifies {@code request}: see {@link KeyManager#verify(VerificationRequest)}. */
    VerificationResult verify(VerificationRequest request);
}
