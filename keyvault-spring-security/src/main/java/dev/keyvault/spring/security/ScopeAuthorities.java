package dev.keyvault.spring.security;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import dev.keyvault.Syntax;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Turns a key's scopes into Spring Security authorities: each scope with a prefix, {@code SCOPE_} by
 * default as Spring's JWT support does, so {@code kb:read} is {@code SCOPE_kb:read} and
 * {@code hasAuthority("SCOPE_kb:read")} works. {@code hasAuthority} compares literally: a key with
 * {@code kb:*} has the authority {@code SCOPE_kb:*}, not {@code SCOPE_kb:read} — use
 * {@link KeyvaultAuthorizationManagers} or {@link KeyvaultScopes} where wildcards must grant.
 * Immutable and thread-safe.
 */
public final class ScopeAuthorities {
    /** The default prefix. */
    public static final String DEFAULT_PREFIX = "SCOPE_";
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_:.-]{0,32}");
    private static final ScopeAuthorities DEFAULTS = new ScopeAuthorities(DEFAULT_PREFIX);

    private final String prefix;

    private ScopeAuthorities(String prefix) {
        this.prefix = prefix;
    }

    /** With the prefix {@value #DEFAULT_PREFIX}. */
    public static ScopeAuthorities defaults() {
        return DEFAULTS;
    }

    /**
     * With {@code prefix}: up to 32 of {@code A-Z a-z 0-9 _ : . -}; empty for the bare scopes.
     *
     * @throws IllegalArgumentException if it is not such text
     */
    public static ScopeAuthorities withPrefix(String prefix) {
        requireNonNull(prefix, "prefix");
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("an authority prefix is up to 32 of A-Z a-z 0-9 _ : . - (such as SCOPE_)");
        }
        return prefix.equals(DEFAULT_PREFIX) ? DEFAULTS : new ScopeAuthorities(prefix);
    }

    /** The prefix. */
    public String prefix() {
        return prefix;
    }

    /** The authorities of {@code key}: one per scope, in the key's (sorted) order. */
    public List<GrantedAuthority> of(ApiKey key) {
        requireNonNull(key, "key");
        List<GrantedAuthority> authorities = new ArrayList<>(key.scopes().size());
        for (String scope : key.scopes()) {
            authorities.add(new SimpleGrantedAuthority(prefix + scope));
        }
        return Collections.unmodifiableList(authorities);
    }

    /** The scope an authority of this prefix names, if it is one. */
    public Optional<String> scopeOf(String authority) {
        requireNonNull(authority, "authority");
        if (!authority.startsWith(prefix)) {
            return Optional.empty();
        }
        String scope = authority.substring(prefix.length());
        return Syntax.isScope(scope) ? Optional.of(scope) : Optional.empty();
    }

    @Override
    public String toString() {
        return "ScopeAuthorities[prefix=" + prefix + "]";
    }
}
