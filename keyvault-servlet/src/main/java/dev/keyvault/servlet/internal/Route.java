package dev.keyvault.servlet.internal;

import dev.keyvault.ApiKey;
import java.util.Set;

/**
 * What a matched rule (or the unmatched policy) asks of a request, with the parts of the response
 * that depend only on it computed once. Immutable.
 *
 * @param permitAll       pass without a key
 * @param denyAll         refuse every key with 403 (the {@code DENY} unmatched policy)
 * @param scopes          scopes a key needs, all of them
 * @param label           the endpoint label usage is recorded under, or {@code null} for
 *                        "the servlet mapping of the request" (unmatched requests)
 * @param scopeChallenge  the {@code WWW-Authenticate} value of a 403 for this route
 * @param cost            what a request costs a key with usage credits
 */
public record Route(boolean permitAll, boolean denyAll, Set<String> scopes, String label, String scopeChallenge, int cost) {

    /** Whether {@code key} may make this request. */
    public boolean admits(ApiKey key) {
        if (denyAll) {
            return false;
        }
        for (String s : scopes) {
            if (!key.grants(s)) {
                return false;
            }
        }
        return true;
    }
}
