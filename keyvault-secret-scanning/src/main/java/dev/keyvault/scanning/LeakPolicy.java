package dev.keyvault.scanning;

/** What the endpoint does with an active key whose token a report shows to be public. */
public enum LeakPolicy {
    /**
     * Revoke it at once (its consumers get 401 from then on), mark it compromised with the report's
     * URL and source as the reason, and audit its last week of usage; issue a successor only when a
     * {@link dev.keyvault.spi.SecretsSink} is configured to deliver it, since nobody would receive a
     * token issued in a webhook. The secure choice, and what GitHub does with its own tokens.
     */
    REVOKE,
    /**
     * Mark it compromised and record the report, raise
     * {@link dev.keyvault.KeyEventListener#onLeakReported} and {@link LeakResponseListener}, and
     * leave the key active for a person to rotate or revoke: for hosts whose keys must not stop
     * working without a human decision.
     */
    FLAG
}
