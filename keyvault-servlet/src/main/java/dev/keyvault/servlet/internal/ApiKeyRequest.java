package dev.keyvault.servlet.internal;

import dev.keyvault.ApiKey;
import dev.keyvault.servlet.ApiKeyPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;

/**
 * The request as the application sees it behind the filter: the verified key is the user
 * principal, and {@link #isUserInRole} answers from its scopes (exact, {@code *}, {@code prefix:*}),
 * so {@code @RolesAllowed("kb:write")} and {@code request.isUserInRole("kb:write")} work unchanged.
 */
public final class ApiKeyRequest extends HttpServletRequestWrapper {
    /** The {@link #getAuthType()} of requests authenticated by an API key. */
    public static final String AUTH_TYPE = "API-Key";

    private final ApiKeyPrincipal principal;

    public ApiKeyRequest(HttpServletRequest request, ApiKey key) {
        super(request);
        this.principal = new ApiKeyPrincipal(key);
    }

    @Override
    public Principal getUserPrincipal() {
        return principal;
    }

    @Override
    public String getRemoteUser() {
        return principal.getName();
    }

    @Override
    public String getAuthType() {
        return AUTH_TYPE;
    }

    @Override
    public boolean isUserInRole(String role) {
        return role != null && principal.key().grants(role);
    }
}
