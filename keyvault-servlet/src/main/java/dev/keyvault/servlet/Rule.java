package dev.keyvault.servlet;

import static java.util.Objects.requireNonNull;

import dev.keyvault.Syntax;
import dev.keyvault.VerificationRequest;
import dev.keyvault.servlet.internal.PathPattern;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a request needs to pass the filter, by method and path. Rules are tried in the order they
 * were added to {@link ApiKeyFilterConfig.Builder#rule(Rule)}; the first whose method and pattern
 * match decides. Requests no rule matches get the {@link UnmatchedPolicy}.
 *
 * <p>The path matched is the request's path inside the application (servlet path plus path info),
 * as the container decoded it. Paths that could be read in more than one way ({@code /a/../admin},
 * {@code %2e%2e}, {@code ;} parameters, {@code //}…) never get here: the {@link RequestFirewall}
 * refuses them first, so the path a rule sees is the path the application routes on. Patterns are
 * {@code /}-separated segments: a literal, {@code *} for any one segment (or part of one, as in
 * {@code *.json}), and {@code **} as a whole segment for any number of segments, including none
 * ({@code /articles/**} matches {@code /articles} and {@code /articles/1/comments}). Empty segments
 * are ignored, so {@code /articles/} is {@code /articles}. Matching is case-sensitive.
 *
 * <p>The method is an HTTP method or {@code *} for every method; a rule for {@code GET} also
 * covers {@code HEAD}, which containers answer with the GET handler.
 *
 * @param method    {@code *} or an HTTP method matching {@code [A-Z][A-Z0-9_-]{0,15}}
 * @param pattern   the path pattern, starting with {@code /}, at most 200 characters (it is also
 *                  the endpoint label usage is recorded under, so it never holds raw ids)
 * @param permitAll {@code true}: the request passes without a key; only the request firewall
 *                  applies (credentials are not even read, so a forward from such a route to a
 *                  protected one is answered 401)
 * @param scopes    the scopes a key must all be granted (see {@link dev.keyvault.ApiKey#grants});
 *                  empty with {@code permitAll == false} means any valid key; sorted, immutable
 * @param cost      what a request of this route costs a key with usage credits
 *                  ({@code VerificationRequest.cost}), 0–1,000,000; spent only once the request passed
 *                  its tier and scopes (0: the key must have credits left, none are spent); default 1
 */
public record Rule(String method, String pattern, boolean permitAll, Set<String> scopes, int cost) {

    public Rule {
        requireNonNull(method, "method");
        if (!method.equals("*") && !Syntax.isMethod(method)) {
            throw new IllegalArgumentException("method must be * or match [A-Z][A-Z0-9_-]{0,15}");
        }
        PathPattern.check(pattern);
        requireNonNull(scopes, "scopes");
        TreeSet<String> sorted = new TreeSet<>();
        for (String s : scopes) {
            requireNonNull(s, "scope");
            // keyvault-core's scope syntax: also a valid RFC 6750 scope-token, so it goes into a challenge unescaped
            if (!Syntax.SCOPE.matcher(s).matches()) {
                throw new IllegalArgumentException("scopes must match [a-z0-9_:.*-]{1,64}");
            }
            sorted.add(s);
        }
        if (permitAll && !sorted.isEmpty()) {
            throw new IllegalArgumentException("a permitAll rule cannot require scopes");
        }
        if (sorted.size() > 64) {
            throw new IllegalArgumentException("at most 64 scopes per rule");
        }
        scopes = Collections.unmodifiableSet(sorted);
        if (cost < 0 || cost > VerificationRequest.MAX_COST) {
            throw new IllegalArgumentException("a rule's cost must be 0-" + VerificationRequest.MAX_COST + ", was " + cost);
        }
    }

    /** A rule whose requests cost 1 credit (the form before usage credits, kept for source compatibility). */
    public Rule(String method, String pattern, boolean permitAll, Set<String> scopes) {
        this(method, pattern, permitAll, scopes, 1);
    }

    /** A copy whose requests cost {@code cost} credits of a key with usage credits. */
    public Rule withCost(int cost) {
        return new Rule(method, pattern, permitAll, scopes, cost);
    }

    /** Requests matching {@code method} and {@code pattern} need a valid key granting every one of {@code scopes}. */
    public static Rule requireScopes(String method, String pattern, String... scopes) {
        requireNonNull(scopes, "scopes");
        if (scopes.length == 0) {
            throw new IllegalArgumentException("give at least one scope, or use Rule.authenticated");
        }
        return new Rule(method, pattern, false, Set.copyOf(List.of(scopes)));
    }

    /** Requests matching {@code method} and {@code pattern} need a valid key, whatever its scopes. */
    public static Rule authenticated(String method, String pattern) {
        return new Rule(method, pattern, false, Set.of());
    }

    /** Requests matching {@code method} and {@code pattern} pass without a key (health checks, CORS preflight). */
    public static Rule permitAll(String method, String pattern) {
        return new Rule(method, pattern, true, Set.of());
    }
}
