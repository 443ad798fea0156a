package dev.keyvault.spring.security;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import dev.keyvault.Syntax;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.core.Authentication;

/**
 * {@link AuthorizationManager}s that ask keyvault whether the verified key grants a scope, with
 * keyvault's wildcards — a key with {@code kb:*} or {@code *} is granted {@code kb:read} — where
 * {@code hasAuthority("SCOPE_kb:read")} compares authorities literally:
 *
 * <pre>{@code
 * .requestMatchers(HttpMethod.GET, "/api/articles/**").access(KeyvaultAuthorizationManagers.hasScope("kb:read"))
 * }</pre>
 *
 * An authentication that is not a verified API key is refused. A refusal's
 * {@link ScopeAuthorizationDecision} names the scopes, which {@link ApiKeyAccessDeniedHandler} puts
 * in the 403 challenge. The managers are immutable and thread-safe.
 */
public final class KeyvaultAuthorizationManagers {
    private KeyvaultAuthorizationManagers() {}

    /** Granted when the key grants {@code scope}. */
    public static <T> AuthorizationManager<T> hasScope(String scope) {
        return hasAllScopes(scope);
    }

    /** Granted when the key grants at least one of {@code scopes}. */
    public static <T> AuthorizationManager<T> hasAnyScope(String... scopes) {
        Set<String> wanted = checked(scopes);
        return new ScopeManager<>(wanted, false);
    }

    /** Granted when the key grants every one of {@code scopes}. */
    public static <T> AuthorizationManager<T> hasAllScopes(String... scopes) {
        Set<String> wanted = checked(scopes);
        return new ScopeManager<>(wanted, true);
    }

    /** The verified key of {@code authentication}, or {@code null} if it is not one. */
    static ApiKey keyOf(Authentication authentication) {
        if (authentication instanceof ApiKeyAuthenticationToken token && token.isAuthenticated()) {
            return token.key().orElse(null);
        }
        return null;
    }

    /** Whether {@code key} grants every scope (all) or one of them. */
    static boolean grants(ApiKey key, Set<String> scopes, boolean all) {
        if (key == null) {
            return false;
        }
        for (String s : scopes) {
            boolean granted = key.grants(s);
            if (all && !granted) {
                return false;
            }
            if (!all && granted) {
                return true;
            }
        }
        return all;
    }

    static Set<String> checked(String... scopes) {
        requireNonNull(scopes, "scopes");
        if (scopes.length == 0) {
            throw new IllegalArgumentException("name at least one scope");
        }
        Set<String> set = new LinkedHashSet<>();
        for (String s : scopes) {
            requireNonNull(s, "scope");
            if (!Syntax.isScope(s)) {
                throw new IllegalArgumentException("a scope matches [a-z0-9_:.*-]{1,64}");
            }
            set.add(s);
        }
        return Set.copyOf(set);
    }

    /** Its two possible decisions are made once: authorization runs on every request. */
    private record ScopeManager<T>(Set<String> scopes, boolean all, ScopeAuthorizationDecision granted,
            ScopeAuthorizationDecision denied) implements AuthorizationManager<T> {
        ScopeManager(Set<String> scopes, boolean all) {
            this(scopes, all, new ScopeAuthorizationDecision(true, scopes), new ScopeAuthorizationDecision(false, scopes));
        }

        @Override
        public ScopeAuthorizationDecision authorize(Supplier<? extends Authentication> authentication, T object) {
            return grants(keyOf(authentication.get()), scopes, all) ? granted : denied;
        }

        @Override
        public String toString() {
            return (all ? "hasAllScopes" : "hasAnyScope") + scopes;
        }
    }
}
