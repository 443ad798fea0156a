/**
 * An API-key filter for Jakarta Servlet 6 applications, and the pieces of it every HTTP entry
 * point shares. {@link dev.keyvault.servlet.ApiKeyFilter} checks keys of a
 * {@link dev.keyvault.KeyManager}, answers per RFC 6750, enforces scopes per route
 * ({@link dev.keyvault.servlet.Rule}) and rate-limit tiers ({@link dev.keyvault.servlet.Tier},
 * buckets local or in PostgreSQL: {@link dev.keyvault.servlet.RateLimitStore}), and records usage.
 * Configure it with {@link dev.keyvault.servlet.ApiKeyFilterConfig} or init-params.
 *
 * <h2>The edge, piece by piece</h2>
 * Another entry point (a Spring Security filter, an embedded console, a leak-report endpoint)
 * composes the same pieces in the same order instead of copying them. Each is built from an
 * {@code ApiKeyFilterConfig}, depends only on the Servlet API and keyvault-core, and is immutable
 * and thread-safe:
 * <ol>
 *   <li>{@link dev.keyvault.servlet.RequestFirewall#check} — refuse paths that could be read more
 *       than one way (400);</li>
 *   <li>{@link dev.keyvault.servlet.CredentialResolver#resolve} — the
 *       {@link dev.keyvault.servlet.Credential} in {@code Authorization: Bearer} or
 *       {@code X-API-Key} (400 or 431 when stated badly, 401 when absent);</li>
 *   <li>{@link dev.keyvault.servlet.ClientAddresses#clientIp} — the client's address, believing
 *       {@code X-Forwarded-For} only from trusted proxies;</li>
 *   <li>{@link dev.keyvault.servlet.FailureLimiter#secondsToWait} — a client address with too many
 *       failed verifications gets 429 before any slow hash;</li>
 *   <li>{@code KeyManager.verify(VerificationRequest.of(token).withClientAddress(client))};</li>
 *   <li>{@link dev.keyvault.servlet.RateLimiter#tryConsume} — the key's tier (429), with the
 *       {@code RateLimit-Policy} and {@code RateLimit} fields of a
 *       {@link dev.keyvault.servlet.RateLimitProbe};</li>
 *   <li>the scopes of the route actually dispatched (403);</li>
 *   <li>{@link dev.keyvault.servlet.UsageRecorder#recordWhenDone} — usage, with the final status.</li>
 * </ol>
 * Every refusal is written by {@link dev.keyvault.servlet.ProblemResponses}: the status, the
 * challenge and a fixed {@code application/problem+json} body.
 *
 * <p>Nothing here accepts or returns {@code null}; absent values are {@link java.util.Optional}.
 */
package dev.keyvault.servlet;
