package dev.keyvault.servlet;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import java.security.Principal;

/**
 * The {@link jakarta.servlet.http.HttpServletRequest#getUserPrincipal() user principal} of a
 * request the filter let through: the verified key. Its name is the key's owner (the account the
 * application serves), so code written against {@code getRemoteUser()} keeps working; the key
 * itself — id, scopes, tier — is {@link #key()}.
 *
 * @param key the verified key (it holds no secret)
 */
public record ApiKeyPrincipal(ApiKey key) implements Principal {
    public ApiKeyPrincipal {
        requireNonNull(key, "key");
    }

    /** The key's owner. */
    @Override
    public String getName() {
        return key.owner();
    }
}
