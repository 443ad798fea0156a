package dev.keyvault.spring.security;

import java.util.Set;
import java.util.TreeSet;
import org.springframework.security.authorization.AuthorizationDecision;

/**
 * The decision of a {@link KeyvaultAuthorizationManagers} check, naming the scopes it wanted, so a
 * refusal's challenge can name them ({@code scope="kb:write"}). Immutable.
 */
public final class ScopeAuthorizationDecision extends AuthorizationDecision {
    private static final long serialVersionUID = 1L;

    private final Set<String> requiredScopes;

    /**
     * @param granted        whether the key may proceed
     * @param requiredScopes the scopes the check wanted
     */
    public ScopeAuthorizationDecision(boolean granted, Set<String> requiredScopes) {
        super(granted);
        this.requiredScopes = java.util.Collections.unmodifiableSet(new TreeSet<>(requiredScopes));
    }

    /** The scopes the check wanted, sorted. */
    public Set<String> requiredScopes() {
        return requiredScopes;
    }

    @Override
    public String toString() {
        return "ScopeAuthorizationDecision[granted=" + isGranted() + ", requiredScopes=" + requiredScopes + "]";
    }
}
