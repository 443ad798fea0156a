/**
 * A {@link dev.keyvault.spi.KeyStore} on JDBI for H2 and PostgreSQL: {@link dev.keyvault.jdbc.JdbiKeyStore},
 * built with {@link dev.keyvault.jdbc.JdbiKeyStore#builder(javax.sql.DataSource)}. Its schema scripts ship
 * on the classpath under {@code dev/keyvault/jdbc/schema/<dialect>/}, named as Flyway expects; apply them
 * with {@link dev.keyvault.jdbc.JdbiKeyStore#migrate()} or with Flyway (placeholder {@code keyvault_prefix}).
 * JDBC drivers are not dependencies of this module: the host brings H2's or PostgreSQL's.
 *
 * <p>Nothing here accepts or returns {@code null}.
 */
package dev.keyvault.jdbc;
