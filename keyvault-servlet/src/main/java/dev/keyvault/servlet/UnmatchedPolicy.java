package dev.keyvault.servlet;

/**
 * What the filter does with a request that no {@link Rule} matches. The default is {@link #DENY}:
 * a route somebody forgot to write a rule for stays closed instead of open to every key.
 */
public enum UnmatchedPolicy {
    /**
     * The request needs a valid key (401 without one) and is then refused with 403
     * {@code insufficient_scope}, whatever the key's scopes. The default.
     */
    DENY,
    /** Any valid key may make the request, whatever its scopes. */
    AUTHENTICATED,
    /** The request passes without a key, as if the filter were not mapped to it. */
    PERMIT_ALL
}
