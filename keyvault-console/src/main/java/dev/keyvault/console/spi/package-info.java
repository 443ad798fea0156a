/**
 * What the host application tells the console: who is signed in, which owners they manage, whether
 * they are an operator, the scopes (and tiers and environments) offered when creating keys
 * ({@link dev.keyvault.console.spi.ConsoleAccess}), and — when the host's framework already
 * protects state-changing requests against CSRF — how the page gets the host's token
 * ({@link dev.keyvault.console.spi.HostCsrf}).
 *
 * <p>Nothing in this package accepts or returns {@code null}: absent values are
 * {@link java.util.Optional}, inputs are checked with {@code requireNonNull}.
 */
package dev.keyvault.console.spi;
