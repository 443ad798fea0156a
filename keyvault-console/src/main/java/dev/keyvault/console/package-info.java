/**
 * keyvault's console: an embeddable "Settings → API keys" page and operator console, served by one
 * servlet ({@link dev.keyvault.console.ConsoleServlet}) from the jar — a documented JSON API (OpenAPI
 * 3.1, keyset pagination, problem+json errors) and a web UI that uses only that API.
 *
 * <p>The host supplies who is signed in and what they may manage
 * ({@link dev.keyvault.console.spi.ConsoleAccess}) and chooses the CSRF mechanism
 * ({@link dev.keyvault.console.CsrfProtection}). Nothing in this package accepts or returns
 * {@code null}; inputs are checked with {@code requireNonNull}.
 */
package dev.keyvault.console;
