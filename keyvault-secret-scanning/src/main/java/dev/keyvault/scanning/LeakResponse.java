package dev.keyvault.scanning;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import dev.keyvault.rotation.UsageAudit;
import java.util.Optional;

/**
 * What the endpoint found and did for one token of a report, as told to a {@link LeakResponseListener}.
 * Never holds the reported token, nor a successor's token. Immutable and thread-safe.
 *
 * @param tokenType    the report's {@code type} (the token type registered with GitHub)
 * @param url          where GitHub found it, as reported (may be empty)
 * @param source       GitHub's source type ({@code content}, {@code commit}, {@code npm}, …; may be empty)
 * @param truePositive whether the token is a key's own token (its secret verified); false for
 *                     anything else, including well-formed tokens with a wrong secret
 * @param key          the key the token belongs to, as it is after the action (empty for a false positive)
 * @param action       what was done
 * @param successor    the successor issued and delivered to the secrets sink, if one was
 * @param audit        the usage audit of a key revoked by this report
 * @param problem      what went wrong after the key was revoked (the sink failed, the audit could not be read)
 */
public record LeakResponse(String tokenType, String url, String source, boolean truePositive, Optional<ApiKey> key,
        Action action, Optional<ApiKey> successor, Optional<UsageAudit> audit, Optional<String> problem) {

    /** What the endpoint did. */
    public enum Action {
        /** Revoked now (and replaced, if {@link #successor()} is present). */
        REVOKED,
        /** Marked compromised and left active for a person ({@link LeakPolicy#FLAG}). */
        FLAGGED,
        /** Revoked or flagged before (the key was already revoked, or this report had been handled); the report was recorded if it was new. */
        ALREADY_HANDLED,
        /** Nothing: a false positive. */
        NONE
    }

    public LeakResponse {
        requireNonNull(tokenType, "tokenType");
        requireNonNull(url, "url");
        requireNonNull(source, "source");
        requireNonNull(key, "key");
        requireNonNull(action, "action");
        requireNonNull(successor, "successor");
        requireNonNull(audit, "audit");
        requireNonNull(problem, "problem");
        if (truePositive == key.isEmpty() || truePositive == (action == Action.NONE)) {
            throw new IllegalArgumentException("a true positive names its key and has an action; a false positive neither");
        }
    }
}
