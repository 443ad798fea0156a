/**
 * Benchmarks of {@link dev.keyvault.jdbc.JdbiKeyStore} on a real PostgreSQL (embedded, PostgreSQL 17
 * binaries from Maven), each beside its floor on the same database in the same run.
 */
package dev.keyvault.benchmarks.jdbc;
