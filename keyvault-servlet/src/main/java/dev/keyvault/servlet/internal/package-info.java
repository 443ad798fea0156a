/**
 * The workings behind {@code dev.keyvault.servlet}: route matching, request paths, address
 * ranges, rate-limit bucket backends and their clock, init-param parsing and the declarative
 * set-up of the filter. Public only so the API package can use it; not API, may change without
 * notice, left out of the javadoc, never imported from another module. Nothing here accepts or
 * returns {@code null} unless a method says so.
 */
package dev.keyvault.servlet.internal;
