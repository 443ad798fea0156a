/**
 * The Spring Security benchmark: one Boot application, one endpoint behind three chains —
 * keyvault's API keys, an OAuth2 resource server with RS256 JWTs, and {@code permitAll} — loaded
 * alternately in one run ({@link dev.keyvault.benchmarks.spring.ChainThroughput}).
 */
package dev.keyvault.benchmarks.spring;
