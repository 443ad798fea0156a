/**
 * API keys in Spring Security 7: one call puts keyvault in a {@code SecurityFilterChain}, shaped
 * like Spring's {@code oauth2ResourceServer()}:
 *
 * <pre>{@code
 * @Bean
 * @Order(1)
 * SecurityFilterChain api(HttpSecurity http) throws Exception {
 *     return http.securityMatcher("/api/**")
 *             .authorizeHttpRequests(a -> a
 *                     .requestMatchers(HttpMethod.GET, "/api/articles/**").access(KeyvaultAuthorizationManagers.hasScope("kb:read"))
 *                     .requestMatchers(HttpMethod.POST, "/api/articles/**").hasAuthority("SCOPE_kb:write")
 *                     .anyRequest().authenticated())
 *             .with(ApiKeyConfigurer.apiKeys(), withDefaults())
 *             .build();
 * }
 * }</pre>
 *
 * <p>{@link dev.keyvault.spring.security.ApiKeyConfigurer} installs
 * {@link dev.keyvault.spring.security.ApiKeyAuthenticationFilter} (the shape of Spring's
 * {@code BearerTokenAuthenticationFilter}) with an
 * {@link dev.keyvault.spring.security.ApiKeyAuthenticationProvider}, and makes the chain
 * stateless. A verified key becomes an {@link dev.keyvault.spring.security.ApiKeyAuthenticationToken}
 * whose principal is the {@link dev.keyvault.ApiKey} and whose authorities are its scopes with the
 * prefix {@code SCOPE_} ({@link dev.keyvault.spring.security.ScopeAuthorities}). Scope wildcards
 * ({@code kb:*} grants {@code kb:read}) hold through
 * {@link dev.keyvault.spring.security.KeyvaultAuthorizationManagers} and the SpEL bean
 * {@link dev.keyvault.spring.security.KeyvaultScopes}; {@code hasAuthority} matches literally.
 *
 * <p>The edge is keyvault-servlet's, not a copy: {@code RequestFirewall}, {@code CredentialResolver},
 * {@code ClientAddresses}, {@code FailureLimiter}, {@code RateLimiter}, {@code UsageRecorder} and
 * {@code ProblemResponses}, built from one {@code ApiKeyFilterConfig}, so a Spring application
 * answers exactly as the servlet filter does.
 *
 * <p>Nothing here accepts or returns {@code null} unless a Spring interface requires it (an
 * {@code AuthenticationProvider} returns {@code null} for tokens it does not support).
 */
package dev.keyvault.spring.security;
