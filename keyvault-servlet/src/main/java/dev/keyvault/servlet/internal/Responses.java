package dev.keyvault.servlet.internal;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Every response the filter writes itself, per RFC 6750 §3 (the {@code WWW-Authenticate: Bearer}
 * challenge) and RFC 9457 (an {@code application/problem+json} body). Header values and bodies are
 * fixed text computed at start-up from the realm and the rules: nothing from the request is ever
 * echoed, so a hostile header can neither inject into the response nor have a key reflected.
 *
 * <p>One {@code error_description} serves every invalid key — malformed, unknown, wrong secret,
 * revoked, expired — so the answer never tells a caller a key's state. (The time it takes can tell
 * that a key id exists: see the README's security model for what timing reveals, as measured.)
 *
 * <p>The status is set with {@code setStatus}, not {@code sendError}, so the container's error
 * page machinery does not replace the body; and the response is not reset, so headers set by
 * filters before this one (CORS, for instance, which a browser needs to read a 401) stay.
 * Immutable, thread-safe.
 */
public final class Responses {
    public static final String INVALID_TOKEN_DESCRIPTION = "The API key is invalid, revoked or expired";
    public static final String PROBLEM_JSON = "application/problem+json";
    private static final String WWW_AUTHENTICATE = "WWW-Authenticate";

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
    public Responses(String realm, long unavailableRetryAfterS) {
        this.missing = "Bearer realm=\"" + realm + "\"";
        this.invalidToken = error("invalid_token", INVALID_TOKEN_DESCRIPTION);
        this.conflicting = error("invalid_request", CONFLICTING);
        this.repeated = error("invalid_request", REPEATED);
        this.empty = error("invalid_request", EMPTY);
        this.unavailableRetryAfter = Long.toString(unavailableRetryAfterS);
    }

    private String error(String code, String description) {
        return missing + ", error=\"" + code + "\", error_description=\"" + description + "\"";
    }

    /** The 403 challenge naming the scopes a route needs (their syntax is checked by {@code Rule}). */
    public String insufficientScopeChallenge(Set<String> scopes) {
        String base = missing + ", error=\"insufficient_scope\"";
        return scopes.isEmpty() ? base : base + ", scope=\"" + String.join(" ", scopes) + "\"";
    }

    /** No credential: 401 with a bare challenge (RFC 6750 §3.1: no error code). */
    public void missingCredential(HttpServletResponse response) throws IOException {
        write(response, 401, missing, MISSING_BODY);
    }

    /** Malformed, unknown, wrong secret, revoked or expired: the same 401 for all. */
    public void invalidToken(HttpServletResponse response) throws IOException {
        write(response, 401, invalidToken, INVALID_BODY);
    }

    /** A credential the request states badly: 400 {@code invalid_request} (or 431 for a huge one). */
    public void badCredential(HttpServletResponse response, Credential.Problem problem) throws IOException {
        switch (problem) {
            case CONFLICTING -> write(response, 400, conflicting, CONFLICTING_BODY);
            case REPEATED -> write(response, 400, repeated, REPEATED_BODY);
            case EMPTY -> write(response, 400, empty, EMPTY_BODY);
            case TOO_LARGE -> write(response, 431, null, TOO_LARGE_BODY);
        }
    }

    /**
     * The request firewall refused the path: 400 without a challenge (it is not about the key),
     * and one body whatever the reason, so the path is never echoed.
     */
    public void notCanonical(HttpServletResponse response) throws IOException {
        write(response, 400, null, NOT_CANONICAL_BODY);
    }

    /** A valid key without the route's scopes: 403 {@code insufficient_scope}. */
    public void insufficientScope(HttpServletResponse response, Route route) throws IOException {
        write(response, 403, route.scopeChallenge(), FORBIDDEN_BODY);
    }

    /**
     * Adds the {@code RateLimit-*} headers. Added, not set: the filter owns these headers, they are
     * written before the application runs, and a set scans every header already there — on every
     * request, that scan costs more than the rate limit itself.
     */
    public static void rateLimitHeaders(HttpServletResponse response, Probe probe) {
        response.addHeader("RateLimit-Limit", Probe.text(probe.limit()));
        response.addHeader("RateLimit-Remaining", Probe.text(probe.remaining()));
        response.addHeader("RateLimit-Reset", Probe.text(probe.resetSeconds()));
    }

    /** Over the key's tier: 429 with {@code Retry-After} and the {@code RateLimit-*} headers. */
    public void tooManyRequests(HttpServletResponse response, Probe probe) throws IOException {
        response.addHeader("Retry-After", Probe.text(probe.retryAfterSeconds()));
        rateLimitHeaders(response, probe);
        write(response, 429, null, TOO_MANY_BODY);
    }

    /**
     * The client address failed too often: 429 with {@code Retry-After}, no challenge (the key
     * was not looked at) and one fixed body.
     */
    public void tooManyFailures(HttpServletResponse response, long retryAfterSeconds) throws IOException {
        response.setHeader("Retry-After", Probe.text(retryAfterSeconds));
        write(response, 429, null, TOO_MANY_FAILURES_BODY);
    }

    /** The key store or the rate-limit store failed: 503, never 401 and never a pass-through. */
    public void unavailable(HttpServletResponse response) throws IOException {
        response.setHeader("Retry-After", unavailableRetryAfter);
        write(response, 503, null, UNAVAILABLE_BODY);
    }

    /** A fault in the filter itself: 500 with a fixed body, so no exception reaches the container. */
    public void internalError(HttpServletResponse response) throws IOException {
        write(response, 500, null, INTERNAL_BODY);
    }

    private static void write(HttpServletResponse response, int status, String challenge, byte[] body) throws IOException {
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

    /** Closes the response's body, through whichever of the stream and the writer is in use. */
    public static void close(HttpServletResponse response) throws IOException {
        try {
            response.getOutputStream().close();
        } catch (IllegalStateException writerInUse) {
            response.getWriter().close();
        }
    }

    /** An RFC 9457 body; every argument is a constant of this class. */
    private static byte[] problem(int status, String title, String detail) {
        return ("{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status
                + ",\"detail\":\"" + detail + "\"}").getBytes(StandardCharsets.US_ASCII);
    }
}
