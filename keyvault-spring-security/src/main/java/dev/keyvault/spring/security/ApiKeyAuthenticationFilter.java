package dev.keyvault.spring.security;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyManager;
import dev.keyvault.LegacyTokenFormat;
import dev.keyvault.RejectionReason;
import dev.keyvault.servlet.ApiKeyFilter;
import dev.keyvault.servlet.ApiKeyFilterConfig;
import dev.keyvault.servlet.ClientAddresses;
import dev.keyvault.servlet.Credential;
import dev.keyvault.servlet.CredentialResolver;
import dev.keyvault.servlet.FailureLimiter;
import dev.keyvault.servlet.ProblemResponses;
import dev.keyvault.servlet.RateLimitProbe;
import dev.keyvault.servlet.RateLimiter;
import dev.keyvault.servlet.RequestFirewall;
import dev.keyvault.servlet.UsageRecorder;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.firewall.FirewalledRequest;
import org.springframework.web.filter.GenericFilterBean;

/**
 * Authenticates requests that carry an API key, in the shape of Spring's
 * {@code BearerTokenAuthenticationFilter}, composing keyvault-servlet's edge in its order:
 * {@link RequestFirewall} (400) → {@link CredentialResolver} (400/431 for a badly stated header; no
 * key: the request goes on unauthenticated and the chain's authorization decides) →
 * {@link FailureLimiter} per {@link ClientAddresses client address} (429 before any hash) → the
 * {@link AuthenticationManager} (an {@link ApiKeyAuthenticationProvider}; 401 or 503 through the
 * {@link AuthenticationEntryPoint}) → {@link RateLimiter} for the key's tier (429, and the
 * {@code RateLimit-Policy}/{@code RateLimit} fields) → the rest of the chain, where authorization
 * checks scopes → {@link UsageRecorder} with the final status.
 *
 * <p>Stateless: the {@code SecurityContext} lives in the request (a
 * {@link RequestAttributeSecurityContextRepository}, so error dispatches see it), never in a session.
 * The verified key is also the request attribute {@value ApiKeyFilter#API_KEY_ATTRIBUTE}, as with the
 * servlet filter.
 *
 * <p>Usage is recorded with the endpoint label Spring MVC matched
 * ({@code HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE}, such as {@code /api/articles/{id}}),
 * else the servlet mapping's pattern ({@link UsageRecorder#servletMapping}) — never the raw path.
 * A revoked or expired key's request is recorded against that key before its 401.
 *
 * <p>Install it with {@link ApiKeyConfigurer}. Thread-safe.
 */
public final class ApiKeyAuthenticationFilter extends GenericFilterBean {
    /** Where Spring MVC leaves the pattern of the handler it chose ({@code HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE}). */
    static final String BEST_MATCHING_PATTERN = "org.springframework.web.servlet.HandlerMapping.bestMatchingPattern";
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyAuthenticationFilter.class);

    private final KeyManager keys;
    private final AuthenticationManager authenticationManager;
    private final AuthenticationEntryPoint entryPoint;
    private final SecurityContextHolderStrategy contexts;
    private final SecurityContextRepository repository = new RequestAttributeSecurityContextRepository();
    private final RequestFirewall firewall;
    private final ProblemResponses responses;
    private final CredentialResolver credentials;
    private final ClientAddresses addresses;
    private final FailureLimiter failures;
    private final RateLimiter rateLimiter;
    private final UsageRecorder usage;

    /**
     * @param keys                  the manager whose keys are accepted (its clock times the limits
     *                              unless {@code config} sets one; usage is recorded into it)
     * @param config                the edge: headers, firewall, failure limit, tiers, proxies, usage
     * @param authenticationManager verifies {@link ApiKeyAuthenticationToken}s
     * @param entryPoint            answers 401 and 503
     * @param contexts              where the verified authentication is set
     */
    public ApiKeyAuthenticationFilter(KeyManager keys, ApiKeyFilterConfig config, AuthenticationManager authenticationManager,
            AuthenticationEntryPoint entryPoint, SecurityContextHolderStrategy contexts) {
        this.keys = requireNonNull(keys, "keys");
        requireNonNull(config, "config");
        this.authenticationManager = requireNonNull(authenticationManager, "authenticationManager");
        this.entryPoint = requireNonNull(entryPoint, "entryPoint");
        this.contexts = requireNonNull(contexts, "contexts");
        this.firewall = config.requestFirewall();
        this.responses = ProblemResponses.from(config);
        this.credentials = CredentialResolver.from(config);
        this.addresses = ClientAddresses.from(config);
        Clock clock = config.clock().orElseGet(keys::clock);
        this.failures = config.failureLimit().map(limit -> FailureLimiter.create(limit, clock)).orElse(null);
        this.rateLimiter = RateLimiter.from(config, clock);
        this.usage = UsageRecorder.from(keys, config);
    }

    /**
     * Authenticates REQUEST dispatches only: a forward, include, async or error dispatch belongs to a
     * request that was authenticated (or not) when it came in, and its security context is restored
     * from the request by the chain; verifying, limiting and recording it again would count it twice.
     */
    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)
                || request.getDispatcherType() != DispatcherType.REQUEST) {
            chain.doFilter(req, res);
            return;
        }
        // Refusals go through this view, which releases the request's unread body first (keeps the connection).
        HttpServletResponse refusals = ProblemResponses.refusing(request, response);
        Optional<RequestFirewall.Rejection> rejected = firewall.check(request);
        if (rejected.isPresent()) {
            LOG.debug("request refused by the firewall: {}", rejected.get());
            responses.notCanonical(refusals);
            return;
        }
        HttpServletRequest raw = beneathFirewall(request);
        Credential credential = credentials.resolve(raw);
        if (credential instanceof Credential.None) {
            chain.doFilter(request, response); // anonymous: the chain's authorization decides (permitAll, or 401)
            return;
        }
        if (credential instanceof Credential.Bad bad) {
            responses.badCredential(refusals, bad.problem());
            return;
        }
        Credential.Token token = (Credential.Token) credential;
        String client = addresses.clientIp(raw);
        if (failures != null && !failures.isIdle()) {
            long wait = failures.secondsToWait(client);
            if (wait > 0) {
                // Before verifying, so a flood of wrong keys from one address costs a map lookup, not a hash each.
                LOG.debug("client over the failure limit");
                responses.tooManyFailures(refusals, wait);
                return;
            }
        }
        ApiKey key;
        try {
            if (!token.wellFormed() && !(keys.acceptsLegacyTokens() && LegacyTokenFormat.isPlausible(token.value()))) {
                throw new InvalidApiKeyException(RejectionReason.MALFORMED, Optional.empty());
            }
            Authentication result = authenticationManager.authenticate(ApiKeyAuthenticationToken.unauthenticated(token.value(), client));
            key = ((ApiKeyAuthenticationToken) result).key().orElseThrow();
            SecurityContext context = contexts.createEmptyContext();
            context.setAuthentication(result);
            contexts.setContext(context);
            repository.saveContext(context, request, response);
        } catch (AuthenticationException failed) {
            contexts.clearContext();
            if (failed instanceof InvalidApiKeyException invalid) {
                LOG.debug("API key rejected: {}", invalid.reason());
                if (invalid.isFailure() && failures != null) {
                    failures.failed(client);
                }
                // Present only when the caller proved it holds that key's secret: REVOKED and EXPIRED
                // (recorded as 401s), and a key policy's refusal (recorded with it, so the audit lists it).
                boolean policy = invalid.reason() == RejectionReason.IP_NOT_ALLOWED
                        || invalid.reason() == RejectionReason.CREDITS_EXHAUSTED;
                invalid.keyId().ifPresent(id -> {
                    if (policy) {
                        usage.recordRefusal(raw, id, endpoint(request), invalid.reason());
                    } else {
                        usage.record(raw, id, endpoint(request), 401);
                    }
                });
            } else {
                LOG.debug("API key could not be checked: {}", failed.getClass().getName());
            }
            entryPoint.commence(request, refusals, failed);
            return;
        }
        RateLimitProbe probe;
        try {
            probe = rateLimiter.tryConsume(key).orElse(null);
        } catch (RuntimeException storeFailure) {
            LOG.debug("rate-limit store unavailable: {}", storeFailure.getClass().getName());
            contexts.clearContext();
            responses.unavailable(refusals);
            return;
        }
        if (probe != null) {
            if (!probe.allowed()) {
                LOG.debug("key {} over its tier {}", key.id(), probe.tier().name());
                contexts.clearContext();
                usage.record(raw, key.id(), endpoint(request), 429);
                responses.rateLimited(refusals, probe);
                return;
            }
            rateLimiter.addHeaders(response, probe);
        }
        request.setAttribute(ApiKeyFilter.API_KEY_ATTRIBUTE, key);
        boolean completed = false;
        try {
            chain.doFilter(request, response);
            completed = true;
        } finally {
            if (completed) {
                usage.recordWhenDone(raw, response, key.id(), endpoint(request));
            } else {
                // An exception the application threw becomes a 500 unless the response was already sent.
                usage.record(raw, key.id(), endpoint(request), response.isCommitted() ? response.getStatus() : 500);
            }
        }
    }

    /**
     * The request beneath Spring Security's own wrappers, down to and including its
     * {@link FirewalledRequest}, for reading headers: {@code StrictHttpFirewall} validates every header
     * name and value on every read, which on the hot path costs about as much as the cached
     * verification itself, and what keyvault reads it validates itself (a credential must be an
     * RFC 6750 {@code b64token} of bounded length, usage values are checked as core's text) and
     * never echoes. Wrappers of filters in front of Spring Security (a forwarded-headers filter, say)
     * stay: they are beneath the firewall's. The URL was checked by the firewall when the request
     * entered the chain, and again by keyvault's {@link RequestFirewall}.
     */
    static HttpServletRequest beneathFirewall(HttpServletRequest request) {
        ServletRequest r = request;
        while (r instanceof ServletRequestWrapper wrapper) {
            if (r instanceof FirewalledRequest) {
                return wrapper.getRequest() instanceof HttpServletRequest inner ? inner : request;
            }
            r = wrapper.getRequest();
        }
        return request;
    }

    /** The route label: the pattern Spring MVC matched, else the servlet mapping; never the raw path. */
    static String endpoint(HttpServletRequest request) {
        if (request.getAttribute(BEST_MATCHING_PATTERN) instanceof String pattern && !pattern.isBlank()
                && pattern.length() <= dev.keyvault.Syntax.MAX_ENDPOINT && isText(pattern)) {
            return pattern;
        }
        return UsageRecorder.servletMapping(request);
    }

    private static boolean isText(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "ApiKeyAuthenticationFilter[" + keys + "]";
    }
}
