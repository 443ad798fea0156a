package dev.keyvault;

import dev.keyvault.rotation.RotationDue;

/**
 * Receives what happens to keys, so the host can route it to its audit log, metrics or alerts (the
 * model is bucket4j's {@code BucketListener}). Every method has an empty default; override what you
 * need. Events never carry a token, a secret or a hash.
 *
 * <p>Callbacks run synchronously on the thread that caused them (a request thread for
 * {@link #onUsedAfterRevoke}), so they must be fast and thread-safe. An exception thrown by a
 * callback is logged at debug and otherwise ignored: a listener cannot break an operation.
 *
 * <p>{@link KeyEventListeners} has the built-in ones: logging to slf4j, composite, no-op.
 */
public interface KeyEventListener {

    /** A key was issued, by {@code issue} or as a successor. */
    default void onIssued(ApiKey key) {}

    /** A successor was issued for {@code predecessor}; both are active now. */
    default void onRotated(ApiKey predecessor, ApiKey successor) {}

    /** A key was revoked by this node (its {@link ApiKey#revocation()} says when, why and by whom). */
    default void onRevoked(ApiKey key) {}

    /**
     * A leak of the key's token was reported and recorded ({@link dev.keyvault.rotation.RotationWorkflows#reportLeak}):
     * the key is now marked compromised, and revoked only if the reporter revoked it first
     * ({@link ApiKey#status()}). {@code where} is the report's location (a URL, a file); a key left
     * active needs a person to rotate or revoke it. Fired once per distinct report.
     */
    default void onLeakReported(ApiKey key, String where) {}

    /**
     * Usage was recorded against a key this node knows to be revoked: some consumer was missed when
     * the key was replaced, or the key leaked. Fired at most once per key per second per node.
     */
    default void onUsedAfterRevoke(String keyId, UsageEvent event) {}

    /** {@link KeyManager#rotationDue} found a key coming due, due or overdue. */
    default void onRotationDue(RotationDue due) {}

    /**
     * A rotation window became safe to close: the successor is in use and the old key is quiet. Fired
     * once per rotation, by {@link dev.keyvault.rotation.RotationWorkflows#complete} or a {@link dev.keyvault.rotation.RotationSupervisor}, when
     * it records {@link KeyEventType#ROTATION_SAFE} in the old key's history.
     */
    default void onRotationWindowSafe(ApiKey predecessor, ApiKey successor) {}

    /**
     * A key was changed in place by this node ({@link KeyManager#update}). {@code scopesWidened} is
     * {@code true} when the change granted scopes it did not have (also recorded as
     * {@link KeyEventType#SCOPES_WIDENED} in its history).
     */
    default void onUpdated(ApiKey before, ApiKey after, boolean scopesWidened) {}

    /** A stored hash was replaced because the hashing policy changed. */
    default void onRehashed(ApiKey key, String algorithm) {}

    /**
     * Usage could not be kept: the in-memory buffer was full (the store was down for long, or the
     * endpoint/IP cardinality was too high). {@code requests} is how many recorded requests were lost
     * since the last report (reported at each flush); the manager also keeps a running total. Their
     * keys' last use is still recorded, so a key never looks unused because its usage did not fit.
     */
    default void onUsageDropped(long requests, String why) {}

    /**
     * Usage was kept, but less finely: one key had more distinct user agents, consumer labels or
     * client addresses in one minute than it may, and {@code requests} of them were counted under
     * {@link UsageRollup#OTHER_AGENTS}, {@link UsageRollup#OTHER_CONSUMERS} or
     * {@link UsageRollup#OTHER_ADDRESSES} since the last report. Reported at each flush.
     */
    default void onUsageFolded(long requests, String why) {}

    /** A background store operation failed (usage flush, change-feed poll, status refresh). */
    default void onStoreFailure(String operation, KeyVaultException failure) {}
}
