/**
 * keyvault: issue, verify, rotate, audit and revoke API keys inside your own application.
 *
 * <p>Start at {@link dev.keyvault.KeyManager}. Nothing in this package accepts or returns
 * {@code null}: inputs are checked with {@code requireNonNull} (a {@link NullPointerException}
 * names the argument), absent values are {@link java.util.Optional}. A bad key presented to
 * {@link dev.keyvault.KeyManager#verify(String)} is a result, never an exception; misuse of the
 * API is a JDK exception; a failing store is a {@link dev.keyvault.KeyStoreException}.
 *
 * <p>No type in this package prints a secret, a hash or a token from {@code toString()}.
 */
package dev.keyvault;
