package dev.keyvault.servlet;

import static java.util.Objects.requireNonNull;

import dev.keyvault.Syntax;
import dev.keyvault.servlet.internal.Probes;
import dev.keyvault.servlet.internal.UnreadBodies;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every refusal an entry point writes itself: the status, the RFC 6750 §3
 * {@code WWW-Authenticate: Bearer} challenge where one belongs, {@code Cache-Control: no-store},
 * and a fixed RFC 9457 {@code application/problem+json} body.
 *
 * <table>
 *   <caption>What each method answers</caption>
 *   <tr><th>method</th><th>status</th><th>challenge / headers</th></tr>
 *   <tr><td>{@link #notCanonical}</td><td>400</td><td>none (the path, not the key, is wrong)</td></tr>
 *   <tr><td>{@link #missingCredential}</td><td>401</td><td>{@code Bearer realm="<realm>"}</td></tr>
 *   <tr><td>{@link #invalidToken}</td><td>401</td><td>{@code … error="invalid_token", error_description="…"}</td></tr>
 *   <tr><td>{@link #badCredential}</td><td>400 (431 when too large)</td><td>{@code … error="invalid_request", error_description="…"}</td></tr>
 *   <tr><td>{@link #insufficientScope}</td><td>403</td><td>{@code … error="insufficient_scope", scope="<scopes>"}</td></tr>
 *   <tr><td>{@link #addressNotAllowed}</td><td>403</td><td>none (the key is valid; the address, not echoed, is outside its allowlist)</td></tr>
 *   <tr><td>{@link #creditsExhausted}</td><td>429</td><td>{@code Retry-After} until the next refill, if the key's credits refill</td></tr>
 *   <tr><td>{@link #tooManyFailures}</td><td>429</td><td>{@code Retry-After}</td></tr>
 *   <tr><td>{@link #rateLimited}</td><td>429</td><td>{@code Retry-After}, {@code RateLimit-Policy}, {@code RateLimit}</td></tr>
 *   <tr><td>{@link #unavailable}</td><td>503</td><td>{@code Retry-After}</td></tr>
 *   <tr><td>{@link #internalError}</td><td>500</td><td>none</td></tr>
 * </table>
 *
 * Header values and bodies are fixed text computed at start-up from the realm (and the route's
 * scopes): nothing from the request is ever echoed, so a hostile header can neither inject into
 * the response nor have a key reflected. One {@code error_description} serves every invalid key —
 * malformed, unknown, wrong secret, revoked, expired — so the answer never tells a caller a key's
 * state. (The time it takes can tell that a key id exists: see the README's security model for
 * what timing reveals, as measured.)
 *
 * <p>The status is set with {@code setStatus}, not {@code sendError}, so the container's error
 * page machinery does not replace the body; and the response is not reset, so headers set by
 * filters before this one (CORS, for instance, which a browser needs to read a 401) stay. A
 * response already committed is left alone. Built from an {@link ApiKeyFilterConfig}: its realm
 * (default {@code api}) and the {@code Retry-After} of a 503 (default 5 seconds). Immutable and
 * thread-safe.
 */
public final class ProblemResponses {
    /** The most of an unread body {@link #releaseUnreadBody} reads and drops to keep a connection: 64 KiB. */
    public static final int MAX_DISCARDED_BODY = 64 * 1024;

    private static final String INVALID_TOKEN_DESCRIPTION = "The API key is invalid, revoked or expired";
    private static final String PROBLEM_JSON = "application/problem+json";
    private static final String WWW_AUTHENTICATE = "WWW-Authenticate";
    private static final String RETRY_AFTER = "Retry-After";

    private static final String CONFLICTING = "The request carries two different API keys";
    private static final String REPEATED = "The request repeats a credential header";
    private static final String EMPTY = "The credential header is empty";

    private static final byte[] MISSING_BODY = problem(401, "Unauthorized", "This request needs an API key");
    private static final byte[] INVALID_BODY = problem(401, "Unauthorized", INVALID_TOKEN_DESCRIPTION);
    private static final byte[] CONFLICTING_BODY = problem(400, "Bad Request", CONFLICTING);
    private static final byte[] REPEATED_BODY = problem(400, "Bad Request", REPEATED);
    private static final byte[] EMPTY_BODY = problem(400, "Bad Request", EMPTY);
    private static final byte[] TOO_LARGE_BODY = problem(431, "Request Header Fields Too Large", "The credential header is too large");
    private static final byte[] FORBIDDEN_BODY = problem(403, "Forbidden", "The API key does not grant access to this resource");
    private static final byte[] TOO_MANY_FAILURES_BODY =
            problem(429, "Too Many Requests", "Too many failed API key attempts from this client");
    private static final byte[] TOO_MANY_BODY = problem(429, "Too Many Requests", "The API key's rate limit is exhausted");
    private static final byte[] ADDRESS_BODY = problem(403, "Forbidden", "The API key may not be used from this client address");
    private static final byte[] CREDITS_BODY = problem(429, "Too Many Requests", "The API key's usage credits are exhausted");
    private static final byte[] UNAVAILABLE_BODY = problem(503, "Service Unavailable", "API keys cannot be checked right now");
    private static final byte[] NOT_CANONICAL_BODY = problem(400, "Bad Request", "The request path is not in canonical form");
    private static final byte[] INTERNAL_BODY = problem(500, "Internal Server Error", "The API key could not be checked");

    private final String missing;
    private final String invalidToken;
    private final String conflicting;
    private final String repeated;
    private final String empty;
    private final String unavailableRetryAfter;

    /**
     * @param realm                  checked by the config: visible ASCII without quote or backslash
     * @param unavailableRetryAfterS the {@code Retry-After} of a 503, in seconds
     */
    private ProblemResponses(String realm, long unavailableRetryAfterS) {
        this.missing = "Bearer realm=\"" + realm + "\"";
        this.invalidToken = error("invalid_token", INVALID_TOKEN_DESCRIPTION);
        this.conflicting = error("invalid_request", CONFLICTING);
        this.repeated = error("invalid_request", REPEATED);
        this.empty = error("invalid_request", EMPTY);
        this.unavailableRetryAfter = Long.toString(unavailableRetryAfterS);
    }

    /**
     * The responses of {@code config}: challenges name its {@link ApiKeyFilterConfig#realm()}, a
     * 503 carries its {@link ApiKeyFilterConfig#unavailableRetryAfter()}.
     */
    public static ProblemResponses from(ApiKeyFilterConfig config) {
        requireNonNull(config, "config");
        return new ProblemResponses(config.realm(), config.unavailableRetryAfter().toSeconds());
    }

    private String error(String code, String description) {
        return missing + ", error=\"" + code + "\", error_description=\"" + description + "\"";
    }

    /**
     * Call before refusing a request whose body nobody read. A body left unread makes the container
     * end the connection after the refusal without saying so, while the client may already be
     * sending its next request on it — which then fails with no response at all (a client that
     * retries after a 429 would see a broken connection instead of its answer). So this reads and
     * drops a body of at most {@value #MAX_DISCARDED_BODY} bytes, as the container would for a
     * request it answers normally (a client that stops sending holds the thread no longer than the
     * connector's idle timeout, as for any body the application reads); a larger body is not read,
     * and the refusal carries {@code Connection: close} so the client knows not to reuse the
     * connection. Without a body, or once the response is committed, it does nothing.
     */
    public static void releaseUnreadBody(HttpServletRequest request, HttpServletResponse response) {
        UnreadBodies.release(request, response, MAX_DISCARDED_BODY);
    }

    /**
     * {@code response} as an entry point's refusals should see it: the first error status set on it
     * calls {@link #releaseUnreadBody} first, so every refusal written through this class (or
     * another writer) keeps the connection usable without each call site remembering to. Pass the
     * response itself, not this view, down the chain. A request without a body gets
     * {@code response} back unchanged.
     */
    public static HttpServletResponse refusing(HttpServletRequest request, HttpServletResponse response) {
        requireNonNull(request, "request");
        return UnreadBodies.refusing(request, requireNonNull(response, "response"), MAX_DISCARDED_BODY);
    }

    /** No credential: 401 with a bare challenge (RFC 6750 §3.1: no error code). */
    public void missingCredential(HttpServletResponse response) throws IOException {
        write(response, 401, missing, MISSING_BODY);
    }

    /** Malformed, unknown, wrong secret, revoked or expired: the same 401 {@code invalid_token} for all. */
    public void invalidToken(HttpServletResponse response) throws IOException {
        write(response, 401, invalidToken, INVALID_BODY);
    }

    /** A credential the request states badly: 400 {@code invalid_request}, or 431 without a challenge for a huge one. */
    public void badCredential(HttpServletResponse response, Credential.Problem problem) throws IOException {
        requireNonNull(problem, "problem");
        switch (problem) {
            case CONFLICTING -> write(response, 400, conflicting, CONFLICTING_BODY);
            case REPEATED -> write(response, 400, repeated, REPEATED_BODY);
            case EMPTY -> write(response, 400, empty, EMPTY_BODY);
            case TOO_LARGE -> write(response, 431, null, TOO_LARGE_BODY);
        }
    }

    /**
     * The {@link RequestFirewall} refused the path: 400 without a challenge (it is not about the
     * key), and one body whatever the reason, so the path is never echoed.
     */
    public void notCanonical(HttpServletResponse response) throws IOException {
        write(response, 400, null, NOT_CANONICAL_BODY);
    }

    /**
     * A valid key without the scopes the resource needs: 403 {@code insufficient_scope}, naming
     * {@code scopes} (sorted; none named if empty).
     *
     * @throws IllegalArgumentException if a scope is not one ({@link Syntax#SCOPE}), which could
     *                                  not go into the challenge unescaped
     */
    public void insufficientScope(HttpServletResponse response, Set<String> scopes) throws IOException {
        requireNonNull(scopes, "scopes");
        TreeSet<String> sorted = new TreeSet<>();
        for (String s : scopes) {
            if (!Syntax.isScope(s)) {
                throw new IllegalArgumentException("scopes must match [a-z0-9_:.*-]{1,64}");
            }
            sorted.add(s);
        }
        insufficientScope(response, insufficientScopeChallenge(sorted));
    }

    /** The 403 with a challenge built once per route. */
    void insufficientScope(HttpServletResponse response, String challenge) throws IOException {
        write(response, 403, challenge, FORBIDDEN_BODY);
    }

    /** The 403 challenge naming {@code scopes}, whose syntax the caller checked (as {@code Rule} does). */
    String insufficientScopeChallenge(Set<String> scopes) {
        String base = missing + ", error=\"insufficient_scope\"";
        return scopes.isEmpty() ? base : base + ", scope=\"" + String.join(" ", scopes) + "\"";
    }

    /**
     * The client address failed too often ({@link FailureLimiter#secondsToWait}): 429 with
     * {@code Retry-After}, no challenge (the key was not looked at) and one fixed body.
     */
    public void tooManyFailures(HttpServletResponse response, long retryAfterSeconds) throws IOException {
        if (retryAfterSeconds < 1) {
            throw new IllegalArgumentException("retryAfterSeconds must be at least 1");
        }
        if (!response.isCommitted()) {
            response.setHeader(RETRY_AFTER, Probes.text(retryAfterSeconds));
        }
        write(response, 429, null, TOO_MANY_FAILURES_BODY);
    }

    /**
     * Over the key's tier: 429 with {@code Retry-After} (the probe's reset: one request is
     * available after it), the {@code RateLimit-Policy} and {@code RateLimit} fields and one fixed
     * body, no challenge.
     *
     * @throws IllegalArgumentException if the probe was allowed
     */
    public void rateLimited(HttpServletResponse response, RateLimitProbe probe) throws IOException {
        requireNonNull(probe, "probe");
        if (probe.allowed()) {
            throw new IllegalArgumentException("the request was allowed");
        }
        if (!response.isCommitted()) {
            response.setHeader(RETRY_AFTER, Probes.text(probe.retryAfterSeconds()));
            RateLimiter.add(response, probe);
        }
        write(response, 429, null, TOO_MANY_BODY);
    }

    /**
     * A valid key used from a client address outside its IP allowlist (or from an address the filter
     * could not resolve): 403 with one fixed body that names neither the address nor the allowlist,
     * and no challenge — another token from the same client would not help.
     */
    public void addressNotAllowed(HttpServletResponse response) throws IOException {
        write(response, 403, null, ADDRESS_BODY);
    }

    /**
     * A valid key whose usage credits cannot pay for the request: 429 with one fixed body, and
     * {@code Retry-After} — the seconds until the next refill, at least 1 — when the key's credits
     * refill ({@code retryAfterSeconds} &gt; 0); without a refill, no {@code Retry-After}.
     */
    public void creditsExhausted(HttpServletResponse response, long retryAfterSeconds) throws IOException {
        if (retryAfterSeconds > 0 && !response.isCommitted()) {
            response.setHeader(RETRY_AFTER, Probes.text(retryAfterSeconds));
        }
        write(response, 429, null, CREDITS_BODY);
    }

    /**
     * {@link #creditsExhausted(HttpServletResponse, long)} with {@code Retry-After} counted on
     * {@code clock} up to {@code refillAt} (rounded up, at least 1 second), as
     * {@code VerificationResult.Rejected.retryAt()} gives it; none without a refill.
     */
    public void creditsExhausted(HttpServletResponse response, Optional<Instant> refillAt, Clock clock) throws IOException {
        requireNonNull(clock, "clock");
        creditsExhausted(response, requireNonNull(refillAt, "refillAt")
                .map(at -> Math.max(1, (at.toEpochMilli() - clock.millis() + 999) / 1000)).orElse(0L));
    }

    /** The key store or the rate-limit store failed: 503 with {@code Retry-After}, never 401 and never a pass-through. */
    public void unavailable(HttpServletResponse response) throws IOException {
        if (!response.isCommitted()) {
            response.setHeader(RETRY_AFTER, unavailableRetryAfter);
        }
        write(response, 503, null, UNAVAILABLE_BODY);
    }

    /** A fault in the entry point itself: 500 with a fixed body, so no exception reaches the container's error page. */
    public void internalError(HttpServletResponse response) throws IOException {
        write(response, 500, null, INTERNAL_BODY);
    }

    private static void write(HttpServletResponse response, int status, String challenge, byte[] body) throws IOException {
        requireNonNull(response, "response");
        if (response.isCommitted()) {
            return;
        }
        response.setStatus(status);
        if (challenge != null) {
            response.setHeader(WWW_AUTHENTICATE, challenge);
        }
        response.setHeader("Cache-Control", "no-store");
        response.setContentType(PROBLEM_JSON);
        response.setContentLength(body.length);
        try {
            response.getOutputStream().write(body);
        } catch (IllegalStateException writerInUse) {
            // A forward or include from a resource that took the writer: the body is ASCII either way.
            response.getWriter().write(new String(body, StandardCharsets.US_ASCII));
            response.getWriter().flush();
        }
    }

    /** An RFC 9457 body; every argument is a constant of this class. */
    private static byte[] problem(int status, String title, String detail) {
        return ("{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status
                + ",\"detail\":\"" + detail + "\"}").getBytes(StandardCharsets.US_ASCII);
    }
}
