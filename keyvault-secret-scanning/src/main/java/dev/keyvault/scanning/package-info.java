/**
 * Receives GitHub secret-scanning partner alerts for keyvault tokens found in public repositories,
 * gists and npm packages: {@link dev.keyvault.scanning.SecretScanningServlet} checks GitHub's
 * ECDSA signature with a key from {@link dev.keyvault.scanning.SigningKeys}, checks each reported
 * token against the key store, revokes or flags the leaked keys by
 * {@link dev.keyvault.scanning.LeakPolicy}, and answers in GitHub's feedback format. It sits behind
 * the same edge pieces as {@code keyvault-servlet}'s filter (request firewall, client addresses,
 * failure limit, problem responses).
 *
 * <p>Nothing here accepts or returns {@code null}; absent values are {@link java.util.Optional}.
 */
package dev.keyvault.scanning;
