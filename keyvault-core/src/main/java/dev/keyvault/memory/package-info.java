/**
 * {@link dev.keyvault.memory.InMemoryKeyStore}: the reference {@link dev.keyvault.spi.KeyStore},
 * for unit tests and single-process applications that need no durability. Nothing here accepts or
 * returns {@code null}.
 */
package dev.keyvault.memory;
