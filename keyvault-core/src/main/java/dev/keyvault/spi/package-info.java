/**
 * The service-provider interfaces: {@link dev.keyvault.spi.KeyStore} (where keys, history and usage
 * live), {@link dev.keyvault.spi.KeyHasher} (how secrets are hashed at rest) and
 * {@link dev.keyvault.spi.SecretsSink} (where the {@link dev.keyvault.rotation.AutoRotator} delivers new
 * secrets). Implement these to plug in a new backend; application code uses
 * {@link dev.keyvault.KeyManager} instead.
 *
 * <p>As in the root package, nothing here accepts or returns {@code null}.
 */
package dev.keyvault.spi;
