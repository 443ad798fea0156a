package dev.keyvault.spring.security;

import static java.util.Objects.requireNonNull;

import dev.keyvault.servlet.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorityAuthorizationDecision;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Answers a verified key that may not do what it asked: 403 {@code error="insufficient_scope"}
 * (RFC 6750 §3.1) with a {@code problem+json} body, as the servlet filter does. The challenge names
 * the scopes the refused check wanted when they are known: from
 * {@link KeyvaultAuthorizationManagers} and {@link KeyvaultScopes}, and from
 * {@code hasAuthority("SCOPE_…")} / {@code hasAnyAuthority} rules of the URL authorization.
 * Immutable and thread-safe.
 */
public final class ApiKeyAccessDeniedHandler implements AccessDeniedHandler {
    private final ProblemResponses responses;
    private final ScopeAuthorities authorities;

    /** Writing with {@code responses}, reading scopes out of authorities of {@code authorities}' prefix. */
    public ApiKeyAccessDeniedHandler(ProblemResponses responses, ScopeAuthorities authorities) {
        this.responses = requireNonNull(responses, "responses");
        this.authorities = requireNonNull(authorities, "authorities");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException {
        ProblemResponses.releaseUnreadBody(request, response);
        responses.insufficientScope(response, requiredScopes(request, denied));
    }

    private Set<String> requiredScopes(HttpServletRequest request, AccessDeniedException denied) {
        Set<String> scopes = new TreeSet<>();
        if (request.getAttribute(KeyvaultScopes.REQUIRED_SCOPES_ATTRIBUTE) instanceof Set<?> wanted) {
            for (Object s : wanted) {
                scopes.add((String) s);
            }
            return scopes;
        }
        if (denied instanceof AuthorizationDeniedException d) {
            AuthorizationResult result = d.getAuthorizationResult();
            if (result instanceof ScopeAuthorizationDecision scoped) {
                scopes.addAll(scoped.requiredScopes());
            } else if (result instanceof AuthorityAuthorizationDecision authority) {
                for (GrantedAuthority a : authority.getAuthorities()) {
                    if (a.getAuthority() != null) {
                        authorities.scopeOf(a.getAuthority()).ifPresent(scopes::add);
                    }
                }
            }
        }
        return scopes;
    }
}
