package dev.keyvault.servlet;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyManager;
import dev.keyvault.VerificationRequest;
import dev.keyvault.VerificationResult;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * Another HTTP entry point — what a Spring Security filter, the console or a leak-report endpoint
 * does — built from the public pieces alone, in the order of DESIGN's edge: firewall, credential,
 * client address, failure limit, verify, tier, scopes, usage. Every request needs a key granting
 * {@code scopes}; its usage is recorded under the endpoint {@value #ENDPOINT}.
 */
final class EdgeFilter implements Filter {
    static final String ENDPOINT = "/edge/**";

    private final KeyManager keys;
    private final Set<String> scopes;
    private final RequestFirewall firewall;
    private final CredentialResolver credentials;
    private final ClientAddresses addresses;
    private final Optional<FailureLimiter> failures;
    private final RateLimiter limiter;
    private final UsageRecorder usage;
    private final ProblemResponses responses;

    EdgeFilter(KeyManager keys, ApiKeyFilterConfig config, Set<String> scopes) {
        this.keys = keys;
        this.scopes = Set.copyOf(scopes);
        Clock clock = config.clock().orElseGet(keys::clock);
        this.firewall = config.requestFirewall();
        this.credentials = CredentialResolver.from(config);
        this.addresses = ClientAddresses.from(config);
        this.failures = config.failureLimit().map(limit -> FailureLimiter.create(limit, clock));
        this.limiter = RateLimiter.from(config, clock);
        this.usage = UsageRecorder.from(keys, config);
        this.responses = ProblemResponses.from(config);
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        if (request.getDispatcherType() != DispatcherType.REQUEST) {
            chain.doFilter(request, response); // kept short: the filter holds dispatches to their target's rule
            return;
        }
        if (firewall.check(request).isPresent()) {
            responses.notCanonical(response);
            return;
        }
        Credential credential = credentials.resolve(request);
        if (credential instanceof Credential.None) {
            responses.missingCredential(response);
            return;
        }
        if (credential instanceof Credential.Bad bad) {
            responses.badCredential(response, bad.problem());
            return;
        }
        Credential.Token token = (Credential.Token) credential;
        String client = addresses.clientIp(request);
        long wait = failures.map(f -> f.secondsToWait(client)).orElse(0L);
        if (wait > 0) {
            responses.tooManyFailures(response, wait);
            return;
        }
        if (!token.wellFormed()) {
            failures.ifPresent(f -> f.failed(client));
            responses.invalidToken(response);
            return;
        }
        VerificationResult result;
        try {
            result = keys.verify(VerificationRequest.of(token.value()).withClientAddress(client));
        } catch (RuntimeException storeFailure) {
            responses.unavailable(response);
            return;
        }
        if (result instanceof VerificationResult.Rejected rejected) {
            switch (rejected.reason()) {
                case MALFORMED, UNKNOWN, INVALID -> failures.ifPresent(f -> f.failed(client));
                default -> rejected.keyId().ifPresent(id -> usage.record(request, id, ENDPOINT, 401));
            }
            responses.invalidToken(response);
            return;
        }
        ApiKey key = ((VerificationResult.Verified) result).key();
        Optional<RateLimitProbe> probe = limiter.tryConsume(key);
        if (probe.isPresent() && !probe.get().allowed()) {
            usage.record(request, key.id(), ENDPOINT, 429);
            responses.rateLimited(response, probe.get());
            return;
        }
        probe.ifPresent(p -> limiter.addHeaders(response, p));
        if (!scopes.stream().allMatch(key::grants)) {
            usage.record(request, key.id(), ENDPOINT, 403);
            responses.insufficientScope(response, scopes);
            return;
        }
        request.setAttribute(ApiKeyFilter.API_KEY_ATTRIBUTE, key);
        chain.doFilter(request, response);
        usage.recordWhenDone(request, response, key.id(), ENDPOINT);
    }
}
