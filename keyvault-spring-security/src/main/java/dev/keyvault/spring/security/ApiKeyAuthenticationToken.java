package dev.keyvault.spring.security;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;

/**
 * An API-key {@code Authentication}: before verification it carries the presented key (the
 * credentials) and the client address; once verified, the {@link ApiKey} is the principal —
 * {@code @AuthenticationPrincipal ApiKey key} in a controller — its owner is the name, and its
 * scopes are the authorities ({@link ScopeAuthorities}). The presented key is never shown by
 * {@link #toString()} and is not kept once verified. Immutable apart from Spring's
 * {@code details} and credential erasure.
 */
public final class ApiKeyAuthenticationToken extends AbstractAuthenticationToken {
    private static final long serialVersionUID = 1L;

    private final transient ApiKey key;
    private final String clientAddress;
    private String token;

    private ApiKeyAuthenticationToken(String token, String clientAddress, ApiKey key,
            Collection<? extends GrantedAuthority> authorities) {
        super(authorities);
        this.token = token;
        this.clientAddress = clientAddress;
        this.key = key;
        super.setAuthenticated(key != null);
    }

    /**
     * A key presented by a client, not verified yet.
     *
     * @param token         the key as presented
     * @param clientAddress the client's address as {@code ClientAddresses} resolves it (key
     *                      policies such as IP allowlists read it), or {@code ClientAddresses.UNKNOWN}
     */
    public static ApiKeyAuthenticationToken unauthenticated(String token, String clientAddress) {
        requireNonNull(token, "token");
        requireNonNull(clientAddress, "clientAddress");
        return new ApiKeyAuthenticationToken(token, clientAddress, null, List.of());
    }

    /** A verified key with its authorities. */
    public static ApiKeyAuthenticationToken authenticated(ApiKey key, Collection<? extends GrantedAuthority> authorities) {
        requireNonNull(key, "key");
        requireNonNull(authorities, "authorities");
        return new ApiKeyAuthenticationToken(null, "", key, authorities);
    }

    /** The verified key; empty before verification. */
    public Optional<ApiKey> key() {
        return Optional.ofNullable(key);
    }

    /** The client address the key was presented from (empty text once verified). */
    public String clientAddress() {
        return clientAddress;
    }

    /** The verified {@link ApiKey}, or {@code ""} before verification (Spring's contract has no Optional). */
    @Override
    public Object getPrincipal() {
        return key != null ? key : "";
    }

    /** The presented key before verification; {@code ""} once verified or erased. */
    @Override
    public Object getCredentials() {
        return token != null ? token : "";
    }

    /** The key's owner, the account the application serves; {@code ""} before verification. */
    @Override
    public String getName() {
        return key != null ? key.owner() : "";
    }

    /** Only {@code false}: a token is authenticated by {@link #authenticated} alone. */
    @Override
    public void setAuthenticated(boolean authenticated) {
        if (authenticated) {
            throw new IllegalArgumentException("use ApiKeyAuthenticationToken.authenticated(key, authorities)");
        }
        super.setAuthenticated(false);
    }

    @Override
    public void eraseCredentials() {
        super.eraseCredentials();
        this.token = null;
    }

    @Override
    public String toString() {
        // Never the presented key; the key id is public.
        return "ApiKeyAuthenticationToken[" + (key != null ? "key=" + key.id() + ", owner=" + key.owner()
                + ", authorities=" + getAuthorities() : "unverified") + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiKeyAuthenticationToken other && super.equals(o)
                && java.util.Objects.equals(key, other.key) && java.util.Objects.equals(token, other.token);
    }

    @Override
    public int hashCode() {
        return super.hashCode() * 31 + java.util.Objects.hashCode(key);
    }
}
