package dev.keyvault.spring.security;

import static java.util.Objects.requireNonNull;

import dev.keyvault.KeyManager;
import dev.keyvault.servlet.ApiKeyFilter;
import dev.keyvault.servlet.ApiKeyFilterConfig;
import dev.keyvault.servlet.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.ApplicationContext;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.CsrfConfigurer;
import org.springframework.security.config.annotation.web.configurers.ExceptionHandlingConfigurer;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.savedrequest.NullRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Puts keyvault's API keys into a {@code SecurityFilterChain} with one call, as
 * {@code oauth2ResourceServer()} does for JWTs:
 *
 * <pre>{@code
 * http.securityMatcher("/api/**")
 *     .authorizeHttpRequests(a -> a.anyRequest().access(KeyvaultAuthorizationManagers.hasScope("kb:read")))
 *     .with(ApiKeyConfigurer.apiKeys(), withDefaults());
 * }</pre>
 *
 * It adds an {@link ApiKeyAuthenticationFilter} where Spring puts bearer-token authentication, with
 * its own {@link ApiKeyAuthenticationProvider} (the chain's other authentication is left alone), and
 * registers {@link ApiKeyAuthenticationEntryPoint} (401, 503) and {@link ApiKeyAccessDeniedHandler}
 * (403) as the chain's answers for API clients.
 *
 * <p><b>The chain becomes stateless</b>: no session is created or read for it (the security context
 * is kept in the request, no request is saved for a later login) and it has no CSRF protection — there is no cookie credential for a forged request to ride, the key is in a
 * header a browser never adds by itself. Keep form or OAuth2 login in chains of their own (with their
 * own {@code securityMatcher}); they keep their sessions.
 *
 * <p>What it uses, unless set here: the application context's {@link KeyManager} (required), its
 * {@link ApiKeyFilterConfig} (default {@code ApiKeyFilterConfig.builder().build()}: realm {@code api},
 * both headers, the strict firewall, the default failure limit, no tiers), its {@link KeyVerifier}
 * (default {@code keyManager::verify}) and its {@link ScopeAuthorities} (default prefix
 * {@code SCOPE_}). The config's rules ({@code Rule}) are the servlet filter's and are not used here:
 * routes are authorized by the chain. Not thread-safe (a configurer is used while the chain is built).
 */
public final class ApiKeyConfigurer extends AbstractHttpConfigurer<ApiKeyConfigurer, HttpSecurity> {
    private KeyManager keys;
    private ApiKeyFilterConfig config;
    private KeyVerifier verifier;
    private ScopeAuthorities authorities;

    private ApiKeyConfigurer() {}

    /** A configurer taking everything from the application context; see the class comment. */
    public static ApiKeyConfigurer apiKeys() {
        return new ApiKeyConfigurer();
    }

    /** The manager whose keys are accepted. Default: the application context's {@link KeyManager} bean. */
    public ApiKeyConfigurer keyManager(KeyManager keys) {
        this.keys = requireNonNull(keys, "keys");
        return this;
    }

    /**
     * The edge's settings: realm, credential headers, firewall, failure limit, tiers, trusted proxies,
     * usage recording. Default: the context's {@link ApiKeyFilterConfig} bean, else the defaults.
     */
    public ApiKeyConfigurer config(ApiKeyFilterConfig config) {
        this.config = requireNonNull(config, "config");
        return this;
    }

    /** How keys are verified. Default: the context's {@link KeyVerifier} bean, else {@code keyManager::verify}. */
    public ApiKeyConfigurer verifier(KeyVerifier verifier) {
        this.verifier = requireNonNull(verifier, "verifier");
        return this;
    }

    /** How scopes become authorities. Default: the context's {@link ScopeAuthorities} bean, else prefix {@code SCOPE_}. */
    public ApiKeyConfigurer authorities(ScopeAuthorities authorities) {
        this.authorities = requireNonNull(authorities, "authorities");
        return this;
    }

    @Override
    public void init(HttpSecurity http) {
        resolve(http);
        // Stateless: the security context kept in the request (never in a session, neither saved nor
        // loaded), no saved request (saving one creates a session), no CSRF. These shared objects are
        // what the STATELESS policy would set; the policy itself is not set because it is decided when
        // session management initializes (before this), and setting it later only adds a per-request
        // SessionManagementFilter that saves nowhere.
        http.setSharedObject(SecurityContextRepository.class, new RequestAttributeSecurityContextRepository());
        http.setSharedObject(RequestCache.class, new NullRequestCache());
        if (http.getConfigurer(CsrfConfigurer.class) != null) {
            http.removeConfigurer(CsrfConfigurer.class);
        }
        ExceptionHandlingConfigurer<HttpSecurity> exceptions = http.getConfigurer(ExceptionHandlingConfigurer.class);
        if (exceptions != null) {
            ProblemResponses responses = ProblemResponses.from(config);
            exceptions.defaultAuthenticationEntryPointFor(new ApiKeyAuthenticationEntryPoint(responses, clock()),
                    AnyRequestMatcher.INSTANCE);
            exceptions.defaultAccessDeniedHandlerFor(new ApiKeyAccessDeniedHandler(responses, authorities), VERIFIED_KEY);
        }
    }

    @Override
    public void configure(HttpSecurity http) {
        // Its own manager: an API key is never offered to the chain's other providers, nor theirs to it.
        ProviderManager manager = new ProviderManager(postProcess(new ApiKeyAuthenticationProvider(verifier, authorities)));
        manager.setEraseCredentialsAfterAuthentication(false); // the verified token holds no credentials
        ApiKeyAuthenticationFilter filter = new ApiKeyAuthenticationFilter(keys, config, postProcess(manager),
                ApiKeyAuthenticationEntryPoint.from(config, keys), getSecurityContextHolderStrategy());
        http.addFilterBefore(postProcess(filter), BasicAuthenticationFilter.class);
    }

    private java.time.Clock clock() {
        return config.clock().orElseGet(keys::clock);
    }

    /** Requests this chain let through with a verified key: their refusals are ours to answer. */
    private static final RequestMatcher VERIFIED_KEY = new RequestMatcher() {
        @Override
        public boolean matches(HttpServletRequest request) {
            return request.getAttribute(ApiKeyFilter.API_KEY_ATTRIBUTE) != null;
        }

        @Override
        public String toString() {
            return "VerifiedApiKey";
        }
    };

    private void resolve(HttpSecurity http) {
        ApplicationContext context = http.getSharedObject(ApplicationContext.class);
        if (keys == null) {
            if (context == null || context.getBeanProvider(KeyManager.class).getIfUnique() == null) {
                throw new IllegalStateException("ApiKeyConfigurer needs a KeyManager: a single KeyManager bean, or apiKeys().keyManager(...)");
            }
            keys = context.getBeanProvider(KeyManager.class).getIfUnique();
        }
        if (config == null) {
            config = context == null ? null : context.getBeanProvider(ApiKeyFilterConfig.class).getIfUnique();
            if (config == null) {
                config = ApiKeyFilterConfig.builder().build();
            }
        }
        if (verifier == null) {
            verifier = context == null ? null : context.getBeanProvider(KeyVerifier.class).getIfUnique();
            if (verifier == null) {
                verifier = keys::verify;
            }
        }
        if (authorities == null) {
            authorities = context == null ? null : context.getBeanProvider(ScopeAuthorities.class).getIfUnique();
            if (authorities == null) {
                authorities = ScopeAuthorities.defaults();
            }
        }
    }
}
