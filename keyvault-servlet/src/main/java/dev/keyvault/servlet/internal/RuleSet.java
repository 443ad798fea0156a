package dev.keyvault.servlet.internal;

import dev.keyvault.servlet.Rule;
import dev.keyvault.servlet.UnmatchedPolicy;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** The configured rules in order, compiled, and the route of unmatched requests. Immutable, thread-safe. */
public final class RuleSet {
    private final String[] methods;
    private final PathPattern[] patterns;
    private final Route[] routes;
    private final Route unmatched;

    /**
     * @param scopeChallenge the {@code WWW-Authenticate} value of a 403 for a route needing these
     *                       scopes, computed here once per route
     */
    public RuleSet(List<Rule> rules, UnmatchedPolicy policy, Function<Set<String>, String> scopeChallenge) {
        int n = rules.size();
        methods = new String[n];
        patterns = new PathPattern[n];
        routes = new Route[n];
        for (int i = 0; i < n; i++) {
            Rule r = rules.get(i);
            methods[i] = r.method();
            patterns[i] = PathPattern.compile(r.pattern());
            routes[i] = new Route(r.permitAll(), false, r.scopes(), r.pattern(), scopeChallenge.apply(r.scopes()), r.cost());
        }
        unmatched = switch (policy) {
            case DENY -> new Route(false, true, Set.of(), null, scopeChallenge.apply(Set.of()), 1);
            case AUTHENTICATED -> new Route(false, false, Set.of(), null, scopeChallenge.apply(Set.of()), 1);
            case PERMIT_ALL -> new Route(true, false, Set.of(), null, null, 0);
        };
    }

    /** The route of the first rule matching, or the unmatched route. */
    public Route match(String method, String path) {
        for (int i = 0; i < routes.length; i++) {
            if (methodMatches(methods[i], method) && patterns[i].matches(path)) {
                return routes[i];
            }
        }
        return unmatched;
    }

    private static boolean methodMatches(String ruleMethod, String method) {
        return ruleMethod.equals("*") || ruleMethod.equals(method)
                || (method.equals("HEAD") && ruleMethod.equals("GET"));
    }
}
