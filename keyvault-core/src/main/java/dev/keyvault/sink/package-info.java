/**
 * {@link dev.keyvault.spi.SecretsSink} implementations that ship with keyvault:
 * {@link dev.keyvault.sink.PropertiesFileSecretsSink} writes tokens to a properties file atomically
 * and owner-only. Adapters for secrets managers (AWS Secrets Manager, HashiCorp Vault) are described
 * on {@link dev.keyvault.spi.SecretsSink}. Nothing here accepts or returns {@code null}.
 */
package dev.keyvault.sink;
