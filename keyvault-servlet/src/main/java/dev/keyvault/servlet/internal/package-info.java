/**
 * The workings of {@link dev.keyvault.servlet.ApiKeyFilter}: credential resolution, route
 * matching, challenges, client addresses and rate-limit buckets. Public only so the API package
 * can use it; not API, may change without notice, left out of the javadoc. Nothing here accepts
 * or returns {@code null} unless a method says so.
 */
package dev.keyvault.servlet.internal;
