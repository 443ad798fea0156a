/**
 * A {@link dev.keyvault.spi.KeyStore} on JDBI for H2 and PostgreSQL. Nothing here accepts or returns {@code null}.
 */
package dev.keyvault.jdbc;
