package dev.keyvault.servlet;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyManager;
import dev.keyvault.VerificationResult;
import dev.keyvault.servlet.internal.ApiKeyRequest;
import dev.keyvault.servlet.internal.Buckets;
import dev.keyvault.servlet.internal.ClientAddresses;
import dev.keyvault.servlet.internal.Credential;
import dev.keyvault.servlet.internal.CredentialResolver;
import dev.keyvault.servlet.internal.FailureLimiter;
import dev.keyvault.servlet.internal.InitParams;
import dev.keyvault.servlet.internal.IpRange;
import dev.keyvault.servlet.internal.Probe;
import dev.keyvault.servlet.internal.RequestPaths;
import dev.keyvault.servlet.internal.Responses;
import dev.keyvault.servlet.internal.Route;
import dev.keyvault.servlet.internal.RuleSet;
import dev.keyvault.servlet.internal.UsageRecorder;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A servlet filter that lets a request through only with a valid API key of a {@link KeyManager},
 * with the scopes its route needs and within its rate-limit tier; it records each request as
 * usage of the key. The filter is thin: it resolves the credential, asks the {@code KeyManager},
 * and writes the answer; the rules are in {@link ApiKeyFilterConfig}.
 *
 * <h2>Installing it</h2>
 * <b>Programmatically</b>, with {@code new ApiKeyFilter(keyManager, config)} — register the
 * instance with {@code ServletContext.addFilter} or the container's API. <b>Map it for every
 * dispatcher type</b> ({@code EnumSet.allOf(DispatcherType.class)}; in {@code web.xml} a
 * {@code <dispatcher>} element for each of REQUEST, FORWARD, INCLUDE, ASYNC and ERROR): a filter
 * sees only the dispatches it is mapped for, and one mapped for REQUEST alone cannot hold a
 * forward or include to the rule of the path it goes to. <b>Declaratively</b>, in
 * {@code web.xml} or as the superclass of a {@code @WebFilter} class, with the no-argument
 * constructor: the filter then takes the {@code KeyManager} from the {@code ServletContext}
 * attribute {@value #KEY_MANAGER_ATTRIBUTE} (a {@code ServletContextListener} sets it; init-param
 * {@code key-manager-attribute} names another), and its configuration either from the attribute
 * {@value #CONFIG_ATTRIBUTE} (an {@code ApiKeyFilterConfig}; init-param {@code config-attribute}
 * names another) or from init-params, not both:
 *
 * <pre>{@code
 * <filter>
 *   <filter-name>api-keys</filter-name>
 *   <filter-class>dev.keyvault.servlet.ApiKeyFilter</filter-class>
 *   <init-param><param-name>realm</param-name><param-value>kb</param-value></init-param>
 *   <init-param><param-name>rules</param-name><param-value>
 *       GET  /health      permitAll
 *       GET  /articles/** kb:read
 *       POST /articles/** kb:write
 *       GET  /me          authenticated
 *   </param-value></init-param>
 *   <init-param><param-name>tiers</param-name><param-value>
 *       free     60/m  burst 10
 *       standard 600/m burst 100
 *   </param-value></init-param>
 *   <init-param><param-name>fallback-tier</param-name><param-value>free</param-value></init-param>
 * </filter>
 * <filter-mapping>
 *   <filter-name>api-keys</filter-name>
 *   <url-pattern>/*</url-pattern>
 *   <dispatcher>REQUEST</dispatcher><dispatcher>FORWARD</dispatcher><dispatcher>INCLUDE</dispatcher>
 *   <dispatcher>ASYNC</dispatcher><dispatcher>ERROR</dispatcher>
 * </filter-mapping>
 * }</pre>
 *
 * Init-params: {@code realm}; {@code authorization-header} and {@code api-key-header} (a header
 * name, or {@code none}); {@code rules} (one per line or {@code ;}: {@code METHOD PATTERN} then
 * {@code permitAll}, {@code authenticated} or scopes); {@code unmatched} ({@code deny},
 * {@code authenticated}, {@code permitAll}); {@code tiers} (one per line or {@code ;}:
 * {@code NAME REQUESTS/PERIOD burst BURST}, the period {@code s}, {@code m}, {@code h}, {@code d},
 * a number with one of {@code ms/s/m/h/d}, or ISO-8601); {@code fallback-tier};
 * {@code unknown-tiers-unlimited} ({@code true} or {@code false}); {@code trusted-proxies}
 * (addresses or CIDR blocks); {@code failure-limit} ({@code FAILURES/PERIOD burst BURST}, or
 * {@code none}); {@code max-credential-length}; {@code record-usage};
 * {@code unavailable-retry-after} (seconds); {@code max-buckets}; {@code allow-path-parameters}
 * (names); {@code allow-encoded-slash}. Each means what the {@link ApiKeyFilterConfig.Builder}
 * setter of that name means and has its default. An unknown or malformed init-param fails
 * {@code init}: a typo must not leave routes open — and so do tiers that would leave keys of
 * another tier unlimited without {@code fallback-tier} or {@code unknown-tiers-unlimited}.
 *
 * <h2>What it answers</h2>
 * Per RFC 6750 §3, bodies {@code application/problem+json} (RFC 9457):
 * <ul>
 *   <li>a path that could be read in more than one way (encoded {@code . / \ % ;}, {@code ;}
 *       parameters, {@code .}/{@code ..} segments, {@code //}, control or non-ASCII characters, a
 *       decoded URI other than what the container mapped) → 400 with one fixed body, for every
 *       request including {@code permitAll} routes: see {@link RequestFirewall};</li>
 *   <li>no key → 401, {@code WWW-Authenticate: Bearer realm="<realm>"};</li>
 *   <li>a malformed, unknown, wrong, revoked or expired key → 401 with {@code error="invalid_token"}
 *       and one description for all, so the answer never tells a key's state;</li>
 *   <li>a credential header repeated, empty ({@code Bearer} alone), or two different keys → 400
 *       {@code error="invalid_request"}; a credential header over the maximum length → 431;</li>
 *   <li>a valid key without the route's scopes → 403 {@code error="insufficient_scope"} with
 *       {@code scope="<the route's scopes>"};</li>
 *   <li>a client address with too many failed verifications (malformed, unknown or wrong keys) →
 *       429 with {@code Retry-After} and one fixed body, for every request with a key from it —
 *       a valid one too — without verifying it, until its allowance refills (by default 20
 *       failures, then 20 a minute: see {@link ApiKeyFilterConfig.Builder#failureLimit});</li>
 *   <li>over the key's tier → 429 with {@code Retry-After} and {@code RateLimit-Limit},
 *       {@code RateLimit-Remaining}, {@code RateLimit-Reset} (requests let through carry the
 *       {@code RateLimit-*} headers too);</li>
 *   <li>the key store or a shared bucket store failing → 503 with {@code Retry-After}: never 401
 *       (the key may be fine) and never a pass-through.</li>
 * </ul>
 * Keys are read from {@code Authorization: Bearer} and {@code X-API-Key} only — never from the
 * query string, which ends up in access logs.
 *
 * <h2>Behind it</h2>
 * The application sees the verified {@link ApiKey} as the request attribute
 * {@value #API_KEY_ATTRIBUTE}, an {@link ApiKeyPrincipal} as {@code getUserPrincipal()} (its name
 * is the key's owner) and {@code isUserInRole(scope)} answered from the key's scopes.
 *
 * <p>After the chain the request is recorded with {@link KeyManager#recordUsage}: method, the
 * matched rule's pattern as the endpoint (the servlet mapping for unmatched requests — never the
 * raw path), the client address (the remote address; {@code X-Forwarded-For} only from trusted
 * proxies), the user agent and the final status. A revoked or expired key's request is recorded
 * against that key before the 401 — that is how a forgotten consumer is found. Recording failures
 * never change the response. Nothing is logged with key material or the {@code Authorization}
 * header.
 *
 * <p>Order of checks: the {@link RequestFirewall} (every request), route (a {@code permitAll}
 * route skips everything after it), credential, the client's failure limit, key, the key's tier
 * (so a key over its limit gets 429 even on routes it may not use), scopes.
 *
 * <h2>Dispatches</h2>
 * A key is verified, rate-limited and recorded once, when the request comes in (REQUEST). A
 * FORWARD, INCLUDE, or ASYNC dispatch ({@code AsyncContext.dispatch}) is then held to the rule of
 * the path it goes to — for an include, the one in {@code jakarta.servlet.include.servlet_path}
 * and {@code path_info} — with that key: a key without the target's scopes gets 403, a request
 * that came in without one (on a {@code permitAll} route, which reads no credentials) gets 401
 * for a protected target, and the target does not run. A refused include replaces the whole
 * response with the refusal and closes it; if the response was already committed, nothing can be
 * answered, and the included resource just does not run. ERROR dispatches pass unchanged: they
 * render the status of a request that was already answered, and applying the error page's rule
 * would turn, say, a 404 into a 401.
 *
 * <p>The {@code KeyManager} belongs to the application: the filter never closes it. Thread-safe.
 * Not final only so a {@code @WebFilter} class can extend it; every method is final.
 */
public class ApiKeyFilter implements Filter {
    /** The {@code ServletContext} attribute a declaratively installed filter takes its {@link KeyManager} from. */
    public static final String KEY_MANAGER_ATTRIBUTE = "dev.keyvault.KeyManager";
    /** The {@code ServletContext} attribute a declaratively installed filter may take its {@link ApiKeyFilterConfig} from. */
    public static final String CONFIG_ATTRIBUTE = "dev.keyvault.servlet.ApiKeyFilterConfig";
    /** The request attribute holding the verified {@link ApiKey} of a request the filter let through. */
    public static final String API_KEY_ATTRIBUTE = "dev.keyvault.servlet.ApiKey";
    /** {@code getAuthType()} of a request the filter let through. */
    public static final String AUTH_TYPE = ApiKeyRequest.AUTH_TYPE;

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyFilter.class);

    private volatile Engine engine;
    private final boolean programmatic;

    /** For {@code web.xml} and {@code @WebFilter}: configured in {@link #init(FilterConfig)}. */
    public ApiKeyFilter() {
        this.programmatic = false;
    }

    /** A filter ready to use, checking keys of {@code keys} as {@code config} says. */
    public ApiKeyFilter(KeyManager keys, ApiKeyFilterConfig config) {
        requireNonNull(keys, "keys");
        requireNonNull(config, "config");
        this.engine = new Engine(keys, config);
        this.programmatic = true;
    }

    /**
     * Nothing for a filter built with a {@code KeyManager}; otherwise reads the {@code KeyManager}
     * and the configuration (see the class comment).
     *
     * @throws ServletException if the {@code KeyManager} attribute is missing, or the configuration
     *                          is missing, contradictory or malformed
     */
    @Override
    public final void init(FilterConfig filterConfig) throws ServletException {
        Map<String, String> params = params(filterConfig);
        if (programmatic) {
            if (!params.isEmpty()) {
                throw new ServletException("this ApiKeyFilter was built with a KeyManager and a config; it takes no init-params");
            }
            return;
        }
        ServletContext context = filterConfig.getServletContext();
        String keysAttribute = params.getOrDefault(InitParams.KEY_MANAGER_ATTRIBUTE, KEY_MANAGER_ATTRIBUTE);
        if (!(context.getAttribute(keysAttribute) instanceof KeyManager keys)) {
            throw new ServletException("no KeyManager in the ServletContext attribute '" + keysAttribute
                    + "'; set it from a ServletContextListener before filters start");
        }
        String configAttribute = params.getOrDefault(InitParams.CONFIG_ATTRIBUTE, CONFIG_ATTRIBUTE);
        Object fromContext = context.getAttribute(configAttribute);
        boolean hasParams = params.keySet().stream().anyMatch(InitParams.CONFIG_NAMES::contains);
        ApiKeyFilterConfig config;
        if (fromContext != null) {
            if (!(fromContext instanceof ApiKeyFilterConfig c)) {
                throw new ServletException("the ServletContext attribute '" + configAttribute + "' is not an ApiKeyFilterConfig");
            }
            if (hasParams) {
                throw new ServletException("configure the ApiKeyFilter either with init-params or with the ServletContext attribute '"
                        + configAttribute + "', not both");
            }
            config = c;
        } else {
            try {
                config = InitParams.parse(params);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new ServletException("ApiKeyFilter " + filterConfig.getFilterName() + ": " + e.getMessage(), e);
            }
        }
        this.engine = new Engine(keys, config);
    }

    private static Map<String, String> params(FilterConfig filterConfig) {
        Map<String, String> params = new LinkedHashMap<>();
        if (filterConfig != null) {
            for (String name : Collections.list(filterConfig.getInitParameterNames())) {
                params.put(name, filterConfig.getInitParameter(name));
            }
        }
        return params;
    }

    @Override
    public final void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        Engine e = engine;
        if (e == null) {
            throw new ServletException("ApiKeyFilter used before init"); // a container bug, not a request problem
        }
        DispatcherType type = request.getDispatcherType();
        if (type != DispatcherType.REQUEST) {
            dispatch(e, request, response, chain, type);
            return;
        }
        Route route;
        ApiKey key;
        try {
            Optional<RequestFirewall.Rejection> rejected = e.firewall.check(request);
            if (rejected.isPresent()) {
                LOG.debug("request refused by the firewall: {}", rejected.get());
                e.responses.notCanonical(response);
                return;
            }
            route = e.rules.match(request.getMethod(), RequestPaths.inApplication(request));
            if (route.permitAll()) {
                key = null;
            } else {
                key = authorize(e, request, response, route);
                if (key == null) {
                    return; // answered
                }
            }
        } catch (RuntimeException fault) {
            // A bug of ours must not become the container's stack-trace page.
            LOG.debug("ApiKeyFilter fault: {}", fault.getClass().getName());
            e.responses.internalError(response);
            return;
        }
        if (key == null) {
            chain.doFilter(request, response);
            return;
        }
        request.setAttribute(API_KEY_ATTRIBUTE, key);
        boolean completed = false;
        try {
            chain.doFilter(new ApiKeyRequest(request, key), response);
            completed = true;
        } finally {
            if (!(completed && recordWhenAsyncCompletes(e, request, response, key, route))) {
                // An exception thrown by the application becomes a 500 unless the response was already sent.
                int status = completed || response.isCommitted() ? response.getStatus() : 500;
                e.usage.record(request, key.id(), route, status);
            }
        }
    }

    /**
     * A later dispatch of a request this filter saw come in. ERROR passes unchanged: it renders the
     * status of a request already answered, and rules would turn a 404 into a 401. FORWARD,
     * INCLUDE and ASYNC are held to the rule of the path they go to, with the key verified when the
     * request came in — not verified, rate-limited or recorded again; a request let in without a
     * key (a {@code permitAll} route) has none, so a protected target answers 401.
     */
    private static void dispatch(Engine e, HttpServletRequest request, HttpServletResponse response, FilterChain chain,
            DispatcherType type) throws IOException, ServletException {
        ApiKey key = request.getAttribute(API_KEY_ATTRIBUTE) instanceof ApiKey k ? k : null;
        // Wrapped again: the container wraps dispatched requests, and an async dispatch may carry the unwrapped one.
        HttpServletRequest wrapped = key == null || request instanceof ApiKeyRequest ? request : new ApiKeyRequest(request, key);
        if (type == DispatcherType.ERROR) {
            chain.doFilter(wrapped, response);
            return;
        }
        Route route;
        try {
            route = e.rules.match(request.getMethod(), RequestPaths.dispatchTarget(request, type));
        } catch (RuntimeException fault) {
            LOG.debug("ApiKeyFilter fault: {}", fault.getClass().getName());
            e.responses.internalError(response);
            return;
        }
        if (route.permitAll() || (key != null && route.admits(key))) {
            chain.doFilter(wrapped, response);
            return;
        }
        LOG.debug("{} dispatch refused: {}", type,
                key == null ? "no verified key" : "key " + key.id() + " lacks the scopes of the target");
        // In an include the container ignores status and headers set through the response it passes:
        // the refusal goes to the response underneath, and replaces what the including resource wrote.
        HttpServletResponse target = type == DispatcherType.INCLUDE ? underlying(response) : response;
        if (target.isCommitted()) {
            return; // too late to answer; the target at least does not run
        }
        if (type == DispatcherType.INCLUDE) {
            target.reset();
        }
        if (key == null) {
            e.responses.missingCredential(target);
        } else {
            e.responses.insufficientScope(target, route);
        }
        if (type == DispatcherType.INCLUDE) {
            // Sent and closed, so what the including resource writes after the include cannot follow the refusal.
            target.flushBuffer();
            Responses.close(target);
        }
    }

    /** The response under every wrapper: the container's own. */
    private static HttpServletResponse underlying(HttpServletResponse response) {
        ServletResponse r = response;
        while (r instanceof ServletResponseWrapper w) {
            r = w.getResponse();
        }
        return r instanceof HttpServletResponse http ? http : response;
    }

    /** If the request went async, records it when it completes (with its real status) and returns true. */
    private static boolean recordWhenAsyncCompletes(Engine e, HttpServletRequest request, HttpServletResponse response,
            ApiKey key, Route route) {
        if (!request.isAsyncStarted()) {
            return false;
        }
        try {
            request.getAsyncContext().addListener(new RecordOnComplete(e.usage, request, response, key.id(), route));
            return true;
        } catch (IllegalStateException completedMeanwhile) {
            return false;
        }
    }

    /**
     * Resolve credential → KeyManager → rate limit → scopes. Returns the key if the request may
     * proceed; otherwise has written the answer and returns {@code null}.
     */
    private static ApiKey authorize(Engine e, HttpServletRequest request, HttpServletResponse response, Route route)
            throws IOException {
        Credential credential = e.credentials.resolve(request);
        if (credential instanceof Credential.None) {
            e.responses.missingCredential(response);
            return null;
        }
        if (credential instanceof Credential.Bad bad) {
            e.responses.badCredential(response, bad.problem());
            return null;
        }
        Credential.Token token = (Credential.Token) credential;
        String client = null;
        if (e.failures != null && !e.failures.isIdle()) {
            client = e.addresses.clientIp(request);
            long wait = e.failures.secondsToWait(client);
            if (wait > 0) {
                // Before verify, so a flood of wrong keys from one address costs a map lookup, not a hash each.
                LOG.debug("client over the failure limit");
                e.responses.tooManyFailures(response, wait);
                return null;
            }
        }
        if (!token.syntacticallyValid()) {
            failed(e, request, client);
            e.responses.invalidToken(response);
            return null;
        }
        VerificationResult result;
        try {
            result = e.keys.verify(token.value());
        } catch (RuntimeException storeFailure) {
            // KeyStoreException, CapacityExceededException, a closed manager: the key may be fine, so never 401.
            LOG.debug("key verification unavailable: {}", storeFailure.getClass().getName());
            e.responses.unavailable(response);
            return null;
        }
        if (result instanceof VerificationResult.Rejected rejected) {
            LOG.debug("API key rejected: {}", rejected.reason());
            switch (rejected.reason()) {
                // REVOKED and EXPIRED proved the secret (a forgotten consumer, not a guesser): not counted.
                case MALFORMED, UNKNOWN, INVALID -> failed(e, request, client);
                default -> { }
            }
            // Present only for REVOKED and EXPIRED, i.e. the caller proved it holds that key's secret.
            rejected.keyId().ifPresent(id -> e.usage.record(request, id, route, 401));
            e.responses.invalidToken(response);
            return null;
        }
        ApiKey key = ((VerificationResult.Verified) result).key();
        Tier tier = e.buckets == null ? null : e.config.tierOrNull(key.tier());
        if (tier != null) {
            Probe probe;
            try {
                probe = e.buckets.tryConsume(key.id(), tier);
            } catch (RuntimeException storeFailure) {
                LOG.debug("rate-limit store unavailable: {}", storeFailure.getClass().getName());
                e.responses.unavailable(response);
                return null;
            }
            if (!probe.allowed()) {
                LOG.debug("key {} over its tier {}", key.id(), tier.name());
                e.usage.record(request, key.id(), route, 429);
                e.responses.tooManyRequests(response, probe);
                return null;
            }
            Responses.rateLimitHeaders(response, probe);
        }
        if (!route.admits(key)) {
            LOG.debug("key {} lacks the scopes of the route", key.id());
            e.usage.record(request, key.id(), route, 403);
            e.responses.insufficientScope(response, route);
            return null;
        }
        return key;
    }

    /** Counts a failed verification against the request's client address, resolving it unless already done. */
    private static void failed(Engine e, HttpServletRequest request, String client) {
        if (e.failures != null) {
            e.failures.failed(client != null ? client : e.addresses.clientIp(request));
        }
    }

    @Override
    public final void destroy() {
        // The KeyManager and any DataSource belong to the application.
    }

    @Override
    public final String toString() {
        Engine e = engine;
        return "ApiKeyFilter[" + (e == null ? "not initialized" : e.config) + "]";
    }

    /** Everything compiled from a config, built once. */
    private static final class Engine {
        final KeyManager keys;
        final ApiKeyFilterConfig config;
        final RequestFirewall firewall;
        final RuleSet rules;
        final CredentialResolver credentials;
        final Responses responses;
        final Buckets buckets;
        final ClientAddresses addresses;
        final FailureLimiter failures;
        final UsageRecorder usage;

        Engine(KeyManager keys, ApiKeyFilterConfig config) {
            this.keys = keys;
            this.config = config;
            this.firewall = config.requestFirewall();
            this.responses = new Responses(config.realm(), config.unavailableRetryAfter().toSeconds());
            this.rules = new RuleSet(config.rules(), config.unmatched(), responses);
            this.credentials = new CredentialResolver(config.authorizationHeader().orElse(null),
                    config.apiKeyHeader().orElse(null), config.maxCredentialLength());
            java.time.Clock clock = config.clock().orElseGet(keys::clock);
            this.buckets = config.tiers().isEmpty() ? null : config.rateLimitStore().open(clock);
            this.addresses = new ClientAddresses(config.trustedProxies().stream().map(IpRange::parse).toList());
            this.failures = config.failureLimit()
                    .map(limit -> new FailureLimiter(limit, FailureLimiter.DEFAULT_MAXIMUM_ADDRESSES, clock))
                    .orElse(null);
            this.usage = new UsageRecorder(keys, clock, addresses, config.recordUsage());
        }
    }

    /** Records an async request once it is really finished, with its real status. */
    private record RecordOnComplete(UsageRecorder usage, HttpServletRequest request, HttpServletResponse response,
            String keyId, Route route) implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            usage.record(request, keyId, route, response.getStatus());
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            // onComplete follows and records the final status
        }

        @Override
        public void onError(AsyncEvent event) {
            // onComplete follows and records the final status
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }
}
