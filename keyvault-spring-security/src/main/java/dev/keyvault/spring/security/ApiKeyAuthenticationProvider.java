package dev.keyvault.spring.security;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyManager;
import dev.keyvault.VerificationRequest;
import dev.keyvault.VerificationResult;
import dev.keyvault.servlet.ClientAddresses;
import java.util.List;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;

/**
 * Verifies an {@link ApiKeyAuthenticationToken} with keyvault: a verified key becomes an
 * authenticated token whose principal is the {@link dev.keyvault.ApiKey} and whose authorities are
 * its scopes ({@link ScopeAuthorities}); a rejected key is an {@link InvalidApiKeyException}; a key
 * that cannot be checked (store down, no hashing slot) is an {@link ApiKeyUnavailableException}.
 * The key's scopes, status and expiry are read at every request (a cached verify costs a SHA-256),
 * so a revocation or a change of scopes takes effect at once — nothing is kept in a session.
 * Immutable and thread-safe.
 */
public final class ApiKeyAuthenticationProvider implements AuthenticationProvider {
    private static final int REMEMBERED = 256;
    private final KeyVerifier verifier;
    private final ScopeAuthorities authorities;
    /**
     * The authorities of recently verified keys, by the identity of the {@code ApiKey} a cached
     * verification returns (the same object until the key's status is refreshed or changes): a
     * request then builds no authority objects. Slots are replaced racily, each an immutable pair.
     */
    private final Remembered[] remembered = new Remembered[REMEMBERED];

    /**
     * @param verifier    how keys are verified, such as {@code keyManager::verify}
     * @param authorities how scopes become authorities
     */
    public ApiKeyAuthenticationProvider(KeyVerifier verifier, ScopeAuthorities authorities) {
        this.verifier = requireNonNull(verifier, "verifier");
        this.authorities = requireNonNull(authorities, "authorities");
    }

    /** Verifying with {@code keys}, authorities with the prefix {@code SCOPE_}. */
    public static ApiKeyAuthenticationProvider of(KeyManager keys) {
        requireNonNull(keys, "keys");
        return new ApiKeyAuthenticationProvider(keys::verify, ScopeAuthorities.defaults());
    }

    /** How scopes become authorities. */
    public ScopeAuthorities authorities() {
        return authorities;
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        if (!(authentication instanceof ApiKeyAuthenticationToken presented) || presented.key().isPresent()) {
            return null;
        }
        VerificationRequest request = VerificationRequest.of((String) presented.getCredentials());
        if (!presented.clientAddress().isEmpty() && !presented.clientAddress().equals(ClientAddresses.UNKNOWN)) {
            request = request.withClientAddress(presented.clientAddress());
        }
        VerificationResult result;
        try {
            result = verifier.verify(request);
        } catch (RuntimeException cannotCheck) {
            // KeyStoreException, CapacityExceededException, HashingException, a closed manager: never 401.
            throw new ApiKeyUnavailableException(cannotCheck);
        }
        if (result instanceof VerificationResult.Rejected rejected) {
            throw new InvalidApiKeyException(rejected.reason(), rejected.keyId(), rejected.retryAt());
        }
        ApiKey key = ((VerificationResult.Verified) result).key();
        ApiKeyAuthenticationToken token = ApiKeyAuthenticationToken.authenticated(key, authoritiesOf(key));
        token.setDetails(presented.getDetails());
        return token;
    }

    private List<GrantedAuthority> authoritiesOf(ApiKey key) {
        int slot = System.identityHashCode(key) & (REMEMBERED - 1);
        Remembered r = remembered[slot];
        if (r != null && r.key == key) {
            return r.authorities;
        }
        List<GrantedAuthority> list = authorities.of(key);
        remembered[slot] = new Remembered(key, list);
        return list;
    }

    private record Remembered(ApiKey key, List<GrantedAuthority> authorities) {}

    @Override
    public boolean supports(Class<?> authentication) {
        return ApiKeyAuthenticationToken.class.isAssignableFrom(authentication);
    }

    @Override
    public String toString() {
        return "ApiKeyAuthenticationProvider[" + authorities + "]";
    }
}
