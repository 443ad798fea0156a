package dev.keyvault.spring.security;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import java.util.Set;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * Scope checks for SpEL, with keyvault's wildcards ({@code kb:*} grants {@code kb:read}): register it
 * as a bean named {@code keyvault} (the Boot starter does) and write
 *
 * <pre>{@code
 * @PreAuthorize("@keyvault.hasScope('kb:write')")
 * public Article update(...) { ... }
 * }</pre>
 *
 * beside or instead of the literal {@code hasAuthority('SCOPE_kb:write')}. It reads the current
 * {@code SecurityContext}; an authentication that is not a verified API key has no scopes. When a
 * check fails inside a request, the scopes it wanted are left in the request attribute
 * {@value #REQUIRED_SCOPES_ATTRIBUTE} for the 403 challenge ({@link ApiKeyAccessDeniedHandler}).
 * Immutable and thread-safe.
 */
public final class KeyvaultScopes {
    /** The request attribute holding the scopes a failed check wanted (a {@code Set<String>}). */
    public static final String REQUIRED_SCOPES_ATTRIBUTE = "dev.keyvault.spring.security.requiredScopes";

    private final SecurityContextHolderStrategy contexts;

    /** Reading the application's {@link SecurityContextHolder}. */
    public KeyvaultScopes() {
        this(SecurityContextHolder.getContextHolderStrategy());
    }

    /** Reading {@code contexts}. */
    public KeyvaultScopes(SecurityContextHolderStrategy contexts) {
        this.contexts = requireNonNull(contexts, "contexts");
    }

    /** Whether the current request's key grants {@code scope}. */
    public boolean hasScope(String scope) {
        return check(KeyvaultAuthorizationManagers.checked(scope), true);
    }

    /** Whether the current request's key grants at least one of {@code scopes}. */
    public boolean hasAnyScope(String... scopes) {
        return check(KeyvaultAuthorizationManagers.checked(scopes), false);
    }

    /** Whether the current request's key grants every one of {@code scopes}. */
    public boolean hasAllScopes(String... scopes) {
        return check(KeyvaultAuthorizationManagers.checked(scopes), true);
    }

    private boolean check(Set<String> scopes, boolean all) {
        ApiKey key = KeyvaultAuthorizationManagers.keyOf(contexts.getContext().getAuthentication());
        boolean granted = KeyvaultAuthorizationManagers.grants(key, scopes, all);
        if (!granted) {
            RequestAttributes request = RequestContextHolder.getRequestAttributes();
            if (request != null) {
                request.setAttribute(REQUIRED_SCOPES_ATTRIBUTE, scopes, RequestAttributes.SCOPE_REQUEST);
            }
        }
        return granted;
    }

    @Override
    public String toString() {
        return "KeyvaultScopes";
    }
}
