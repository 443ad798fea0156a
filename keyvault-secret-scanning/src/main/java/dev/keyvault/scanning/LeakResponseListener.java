package dev.keyvault.scanning;

/**
 * Told what the endpoint did with each token of a verified report, for the host's alerting and
 * audit log: a {@link LeakResponse.Action#FLAGGED} key needs a person, a revoked one's
 * {@link LeakResponse#audit()} shows what it was used for. Called on the request thread after the
 * action, once per token; must be fast and thread-safe. An exception it throws is ignored.
 */
@FunctionalInterface
public interface LeakResponseListener {
    void onLeakResponse(LeakResponse response);
}
