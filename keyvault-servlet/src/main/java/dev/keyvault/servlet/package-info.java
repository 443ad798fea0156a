/**
 * An API-key filter for Jakarta Servlet 6 applications: {@link dev.keyvault.servlet.ApiKeyFilter}
 * checks keys of a {@link dev.keyvault.KeyManager}, answers per RFC 6750, enforces scopes per route
 * ({@link dev.keyvault.servlet.Rule}) and rate-limit tiers ({@link dev.keyvault.servlet.Tier},
 * buckets local or in PostgreSQL: {@link dev.keyvault.servlet.RateLimitStore}), and records usage.
 * Before any of that, {@link dev.keyvault.servlet.RequestFirewall} refuses paths that could be read
 * more than one way, and {@link dev.keyvault.servlet.FailureLimit} caps the failed verifications a
 * client address may cause. Configure it with {@link dev.keyvault.servlet.ApiKeyFilterConfig} or
 * init-params.
 *
 * <p>Nothing here accepts or returns {@code null}; absent values are {@link java.util.Optional}.
 */
package dev.keyvault.servlet;
