package dev.keyvault.servlet;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyManager;
import dev.keyvault.LegacyTokenFormat;
import dev.keyvault.PepperStatus;
import dev.keyvault.Peppers;
import dev.keyvault.RejectionReason;
import dev.keyvault.VerificationRequest;
import dev.keyvault.VerificationResult;
import dev.keyvault.servlet.internal.ApiKeyRequest;
import dev.keyvault.servlet.internal.FilterSetup;
import dev.keyvault.servlet.internal.RequestPaths;
import dev.keyvault.servlet.internal.Route;
import dev.keyvault.servlet.internal.RuleSet;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A servlet filter that lets a request through only with a valid API key of a {@link KeyManager},
 * with the scopes its route needs and within its rate-limit tier; it records each request as
 * usage of the key. The filter is thin: it composes the public pieces every entry point shares —
 * {@link RequestFirewall}, {@link CredentialResolver}, {@link ClientAddresses},
 * {@link FailureLimiter}, the {@code KeyManager}, {@link RateLimiter}, {@link UsageRecorder} and
 * {@link ProblemResponses} — and matches routes; the rules are in {@link ApiKeyFilterConfig}.
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
 * (names); {@code allow-encoded-slash}; {@code client-label-header} (a header name, or
 * {@code none}). Each means what the {@link ApiKeyFilterConfig.Builder}
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
 *   <li>a valid key with an IP allowlist, from a client address outside it (the address this filter
 *       resolves: {@code X-Forwarded-For} only from trusted proxies; an address it cannot resolve
 *       is outside) → 403 with one fixed body and no challenge, naming neither the address nor the
 *       allowlist; recorded as usage with the refusal {@code IP_NOT_ALLOWED} (the usage audit lists
 *       these attempts), not counted as a failed verification;</li>
 *   <li>a valid key whose usage credits cannot pay the route's cost ({@link Rule#cost()}, default 1)
 *       → 429 with one fixed body and, if the credits refill, {@code Retry-After} until the refill;
 *       recorded with the refusal {@code CREDITS_EXHAUSTED}. Credits are spent only by a request
 *       that passed its tier and scopes; a 403 or a tier's 429 spends none;</li>
 *   <li>a client address with too many failed verifications (malformed, unknown or wrong keys) →
 *       429 with {@code Retry-After} and one fixed body, for every request with a key from it —
 *       a valid one too — without verifying it, until its allowance refills (by default 20
 *       failures, then 20 a minute: see {@link ApiKeyFilterConfig.Builder#failureLimit});</li>
 *   <li>over the key's tier → 429 with {@code Retry-After} and the {@code RateLimit-Policy} and
 *       {@code RateLimit} fields (see below);</li>
 *   <li>the key store or a shared bucket store failing → 503 with {@code Retry-After}: never 401
 *       (the key may be fine) and never a pass-through.</li>
 * </ul>
 * Keys are read from {@code Authorization: Bearer} and {@code X-API-Key} only — never from the
 * query string, which ends up in access logs.
 *
 * <h2>Rate-limit headers</h2>
 * Every response to a request whose verified key has a tier — let through, refused 403 for its
 * scopes, or refused 429 for its tier — carries the two fields of draft-ietf-httpapi-ratelimit-headers (-09
 * and later), structured-field lists naming the tier as the policy:
 * <pre>
 * RateLimit-Policy: "standard";q=100;w=10
 * RateLimit: "standard";r=42;t=1
 * </pre>
 * A tier is a token bucket ({@link Tier}: at most {@code burst} requests, refilled with
 * {@code requests} per {@code period}), so:
 * <ul>
 *   <li>{@code q} is the burst: the most requests the key may make at once;</li>
 *   <li>{@code w} is the seconds an empty bucket takes to fill, {@code burst × period ÷ requests}
 *       rounded up (at least 1): {@code q/w} is the sustained rate, never more than it;</li>
 *   <li>{@code r} is what the key may make right now, after this request;</li>
 *   <li>{@code t} is the seconds until the bucket holds one more request than {@code r}, rounded
 *       up (at least 1; one refill interval, {@code period ÷ requests}, after a request that found
 *       the bucket full).</li>
 * </ul>
 * A 429 has {@code r=0} and {@code Retry-After} equal to {@code t}: after that many seconds one
 * request is available. ({@code Tier.of("standard", 600, Duration.ofMinutes(1), 100)} gives the
 * example above.) With PostgreSQL buckets the fields hold across nodes. See {@link RateLimitProbe}.
 *
 * <h2>Behind it</h2>
 * The application sees the verified {@link ApiKey} as the request attribute
 * {@value #API_KEY_ATTRIBUTE}, an {@link ApiKeyPrincipal} as {@code getUserPrincipal()} (its name
 * is the key's owner) and {@code isUserInRole(scope)} answered from the key's scopes.
 *
 * <p>After the chain the request is recorded with {@link KeyManager#recordUsage}: method, the
 * matched rule's pattern as the endpoint (the servlet mapping for unmatched requests — never the
 * raw path), the client address (the remote address; {@code X-Forwarded-For} only from trusted
 * proxies), the user agent, the client label (the value of the
 * {@link ApiKeyFilterConfig.Builder#clientLabelHeader client-label header}, if configured and
 * valid) and the final status. A revoked or expired key's request is recorded
 * against that key before the 401 — that is how a forgotten consumer is found. Recording failures
 * never change the response. Nothing is logged with key material or the {@code Authorization}
 * header.
 *
 * <p>Order of checks: the {@link RequestFirewall} (every request), route (a {@code permitAll}
 * route skips everything after it), credential, the client's failure limit, key (verified with the
 * client address, {@code VerificationRequest.withClientAddress}, for key policies: the IP allowlist,
 * and that the key has credits left), the key's tier (so a key over its limit gets 429 even on
 * routes it may not use), scopes, then the route's cost spent from the key's credits (a second
 * verification, a cache hit, only for keys with credits).
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
        if (programmatic) {
            FilterSetup.requireNoInitParams(filterConfig);
            return;
        }
        FilterSetup setup = FilterSetup.read(filterConfig, KEY_MANAGER_ATTRIBUTE, CONFIG_ATTRIBUTE);
        try {
            this.engine = new Engine(setup.keys(), setup.config());
        } catch (IllegalStateException e) {
            throw new ServletException("ApiKeyFilter " + filterConfig.getFilterName() + ": " + e.getMessage(), e);
        }
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
        Admission admitted;
        // Refusals go through this view: it releases the request's unread body first, so the refused
        // client's next request on the connection is answered.
        HttpServletResponse refusals = ProblemResponses.refusing(request, response);
        try {
            Optional<RequestFirewall.Rejection> rejected = e.firewall.check(request);
            if (rejected.isPresent()) {
                LOG.debug("request refused by the firewall: {}", rejected.get());
                e.responses.notCanonical(refusals);
                return;
            }
            route = e.rules.match(request.getMethod(), RequestPaths.inApplication(request));
            if (route.permitAll()) {
                admitted = null;
            } else {
                admitted = authorize(e, request, refusals, route);
                if (admitted == null) {
                    return; // answered
                }
            }
        } catch (RuntimeException fault) {
            // A bug of ours must not become the container's stack-trace page.
            LOG.debug("ApiKeyFilter fault: {}", fault.getClass().getName());
            e.responses.internalError(refusals);
            return;
        }
        if (admitted == null) {
            chain.doFilter(request, response);
            return;
        }
        ApiKey key = admitted.key();
        request.setAttribute(API_KEY_ATTRIBUTE, key);
        boolean completed = false;
        try {
            chain.doFilter(new ApiKeyRequest(request, key), response);
            completed = true;
        } finally {
            if (completed) {
                e.usage.recordWhenDone(request, response, admitted.client(), key.id(), route.label());
            } else {
                // An exception thrown by the application becomes a 500 unless the response was already sent.
                e.usage.record(request, admitted.client(), key.id(), route.label(), response.isCommitted() ? response.getStatus() : 500);
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
            e.responses.insufficientScope(target, route.scopeChallenge());
        }
        if (type == DispatcherType.INCLUDE) {
            // Sent and closed, so what the including resource writes after the include cannot follow the refusal.
            target.flushBuffer();
            close(target);
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

    /** Closes the response's body, through whichever of the stream and the writer is in use. */
    private static void close(HttpServletResponse response) throws IOException {
        try {
            response.getOutputStream().close();
        } catch (IllegalStateException writerInUse) {
            response.getWriter().close();
        }
    }

    /**
     * Resolve credential → failure limit → KeyManager → rate limit → scopes. Returns the key and
     * client address if the request may proceed; otherwise has written the answer and returns
     * {@code null}.
     */
    private static Admission authorize(Engine e, HttpServletRequest request, HttpServletResponse response, Route route)
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
        String client = e.addresses.clientIp(request);
        if (e.failures != null && !e.failures.isIdle()) {
            long wait = e.failures.secondsToWait(client);
            if (wait > 0) {
                // Before verify, so a flood of wrong keys from one address costs a map lookup, not a hash each.
                LOG.debug("client over the failure limit");
                e.responses.tooManyFailures(response, wait);
                return null;
            }
        }
        if (!token.wellFormed() && !(e.keys.acceptsLegacyTokens() && LegacyTokenFormat.isPlausible(token.value()))) {
            // Not a bearer token (RFC 6750 b64token); a legacy token (Sanctum's "id|secret", say) may be
            // any printable ASCII without spaces when the manager accepts legacy tokens.
            failed(e, client);
            e.responses.invalidToken(response);
            return null;
        }
        VerificationResult result;
        try {
            // Cost 0: a key with usage credits must have some left, but nothing is spent before the
            // request has passed its tier and scopes (see the spend below).
            result = e.keys.verify(verification(token, client, 0));
        } catch (RuntimeException storeFailure) {
            // KeyStoreException, CapacityExceededException, a closed manager: the key may be fine, so never 401.
            LOG.debug("key verification unavailable: {}", storeFailure.getClass().getName());
            e.responses.unavailable(response);
            return null;
        }
        if (result instanceof VerificationResult.Rejected rejected) {
            refuse(e, request, response, route, client, rejected);
            return null;
        }
        ApiKey key = ((VerificationResult.Verified) result).key();
        RateLimitProbe probe;
        try {
            probe = e.rateLimiter.tryConsumeOrNull(key);
        } catch (RuntimeException storeFailure) {
            LOG.debug("rate-limit store unavailable: {}", storeFailure.getClass().getName());
            e.responses.unavailable(response);
            return null;
        }
        if (probe != null) {
            if (!probe.allowed()) {
                LOG.debug("key {} over its tier {}", key.id(), probe.tier().name());
                e.usage.record(request, client, key.id(), route.label(), 429);
                e.responses.rateLimited(response, probe);
                return null;
            }
            e.rateLimiter.addHeaders(response, probe);
        }
        if (!route.admits(key)) {
            LOG.debug("key {} lacks the scopes of the route", key.id());
            e.usage.record(request, client, key.id(), route.label(), 403);
            e.responses.insufficientScope(response, route.scopeChallenge());
            return null;
        }
        if (key.creditAccount().isPresent() && route.cost() > 0) {
            // The request may proceed: now it pays. Verifying again is a cache hit that spends the route's cost.
            VerificationResult spent;
            try {
                spent = e.keys.verify(verification(token, client, route.cost()));
            } catch (RuntimeException storeFailure) {
                LOG.debug("key verification unavailable: {}", storeFailure.getClass().getName());
                e.responses.unavailable(response);
                return null;
            }
            if (spent instanceof VerificationResult.Rejected rejected) {
                refuse(e, request, response, route, client, rejected); // out of credits since, or revoked meanwhile
                return null;
            }
            key = ((VerificationResult.Verified) spent).key();
        }
        return new Admission(key, client);
    }

    /** Answers a rejected key, records the request against it when the secret matched, and counts failures. */
    private static void refuse(Engine e, HttpServletRequest request, HttpServletResponse response, Route route, String client,
            VerificationResult.Rejected rejected) throws IOException {
        LOG.debug("API key rejected: {}", rejected.reason());
        switch (rejected.reason()) {
            case IP_NOT_ALLOWED -> {
                // The secret matched, from the wrong place: recorded (the audit lists it), not counted as a failure.
                e.usage.record(request, client, rejected.keyId().orElseThrow(), route.label(), 403,
                        Optional.of(RejectionReason.IP_NOT_ALLOWED));
                e.responses.addressNotAllowed(response);
            }
            case CREDITS_EXHAUSTED -> {
                e.usage.record(request, client, rejected.keyId().orElseThrow(), route.label(), 429,
                        Optional.of(RejectionReason.CREDITS_EXHAUSTED));
                e.responses.creditsExhausted(response, rejected.retryAt(), e.clock);
            }
            default -> {
                // REVOKED and EXPIRED proved the secret (a forgotten consumer, not a guesser): not counted.
                if (!rejected.reason().secretMatched()) {
                    failed(e, client);
                }
                // Present only for REVOKED and EXPIRED here, i.e. the caller proved it holds that key's secret.
                rejected.keyId().ifPresent(id -> e.usage.record(request, client, id, route.label(), 401));
                e.responses.invalidToken(response);
            }
        }
    }

    /**
     * The token with the client's address, for key policies that check it (none when it is not known:
     * a key with an allowlist then fails closed), and the cost to spend.
     */
    private static VerificationRequest verification(Credential.Token token, String client, int cost) {
        VerificationRequest request = VerificationRequest.of(token.value()).withCost(cost);
        return client.equals(ClientAddresses.UNKNOWN) ? request : request.withClientAddress(client);
    }

    /** Counts a failed verification against the client address, if failures are limited. */
    private static void failed(Engine e, String client) {
        if (e.failures != null) {
            e.failures.failed(client);
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

    /** A request let through: its verified key, and the client address it was verified and is recorded with. */
    private record Admission(ApiKey key, String client) {}

    /** The pieces composed from a config, built once. */
    private static final class Engine {
        final KeyManager keys;
        final ApiKeyFilterConfig config;
        final RequestFirewall firewall;
        final ProblemResponses responses;
        final RuleSet rules;
        final CredentialResolver credentials;
        final ClientAddresses addresses;
        final FailureLimiter failures;
        final RateLimiter rateLimiter;
        final UsageRecorder usage;
        final Clock clock;

        Engine(KeyManager keys, ApiKeyFilterConfig config) {
            if (keys.pepperStatus() == PepperStatus.NOT_CONFIGURED) {
                if (config.requirePepper()) {
                    throw new IllegalStateException("the KeyManager hashes keys without a pepper and this filter requires one:"
                            + " set " + Peppers.ENVIRONMENT_VARIABLE + " (see the README, 'Pepper')");
                }
                LOG.warn("keyvault: the KeyManager behind this ApiKeyFilter hashes keys without a pepper — fine for development;"
                        + " in production set {} and the filter's requirePepper (require-pepper)", Peppers.ENVIRONMENT_VARIABLE);
            }
            this.keys = keys;
            this.config = config;
            this.firewall = config.requestFirewall();
            this.responses = ProblemResponses.from(config);
            this.rules = new RuleSet(config.rules(), config.unmatched(), responses::insufficientScopeChallenge);
            this.credentials = CredentialResolver.from(config);
            this.addresses = ClientAddresses.from(config);
            this.clock = config.clock().orElseGet(keys::clock);
            this.failures = config.failureLimit().map(limit -> FailureLimiter.create(limit, clock)).orElse(null);
            this.rateLimiter = RateLimiter.from(config, clock);
            this.usage = UsageRecorder.from(keys, config);
        }
    }
}
