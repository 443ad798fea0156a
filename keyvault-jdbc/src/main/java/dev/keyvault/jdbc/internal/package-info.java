/**
 * Implementation of {@link dev.keyvault.jdbc.JdbiKeyStore}: its SQL, schema migration, row mapping,
 * transactions (retries, duplicate classification, error translation), usage writes and PostgreSQL
 * notifications. Public only so the API package can use it; not an API, may change in any release,
 * and left out of the javadoc.
 *
 * <p>Nothing here accepts or returns {@code null} unless a method says so.
 */
package dev.keyvault.jdbc.internal;
