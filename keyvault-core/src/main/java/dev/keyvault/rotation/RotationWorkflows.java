package dev.keyvault.rotation;

import dev.keyvault.KeyQuery;
import java.time.Duration;
import java.time.Instant;

/**
 * The rotation guide's workflows over one {@link dev.keyvault.KeyManager}, from {@link dev.keyvault.KeyManager#rotation()}:
 * watch a rotation window, close it safely, handle a leak, audit a key's usage, prove compliance,
 * revoke in bulk. The calls a key's life needs every day — issue, verify, revoke, rotate, record
 * usage, due rotations — stay on {@code KeyManager}; these are the operator's.
 *
 * <p>Every step that changes something goes through the store's atomic primitives and leaves an
 * entry in the key's history. Thread-safe; one instance per manager.
 */
public interface RotationWorkflows {

    /**
     * Where the rotation of {@code oldKeyId} stands: both keys' last use, every client seen on the old
     * key since the rotation and whether it has moved to the successor, how long the old key has been
     * quiet, whether it is safe to revoke, and the hard deadline. Flushes this node's buffered usage
     * first; usage other nodes have not flushed yet (at most their flush interval) is not included.
     * Works after completion too: clients seen on the revoked key are the consumers that were missed.
     *
     * @throws dev.keyvault.UnknownKeyException if there is no such key
     * @throws dev.keyvault.KeyStateException   if the key has never been rotated
     * @throws dev.keyvault.KeyStoreException   if the store fails
     */
    RotationStatus status(String oldKeyId);

    /**
     * Closes a rotation window the safe way: revokes {@code oldKeyId} if its successor is in use and
     * it has been quiet for the {@linkplain #quietPeriod() quiet period} (or its deadline has
     * passed), and otherwise refuses with a result naming the clients still on it. Use this, not
     * {@link dev.keyvault.KeyManager#revoke}, to finish a rotation: {@code revoke} is the unconditional primitive
     * for emergencies and only flags (in the history) a key revoked mid-rotation while in use. A
     * successor issued by the {@link AutoRotator} whose secret was never delivered is refused too.
     * Every call leaves a history entry ({@code ROTATION_SAFE}, {@code REVOKED},
     * {@code ROTATION_COMPLETED}, or a {@code NOTE} with the refusal). Idempotent.
     *
     * @throws dev.keyvault.UnknownKeyException if there is no such key
     * @throws dev.keyvault.KeyStateException   if the key has never been rotated
     * @throws dev.keyvault.KeyStoreException   if the store fails
     */
    CompletionResult complete(String oldKeyId, String actor);

    /**
     * {@link #complete} that revokes the old key even when clients are still on it (they will get
     * 401s): the result and the history name them and {@code reason}. Still refused when the
     * successor is revoked, or was issued by the {@link AutoRotator} and not yet delivered, since
     * nobody could then move to it.
     */
    CompletionResult forceComplete(String oldKeyId, String reason, String actor);

    /**
     * The guide's emergency flow for a leaked key: revoke first (effective on this node when the
     * revocation step returns, on other nodes through the change feed) and mark it compromised, then
     * issue the successor with the same owner, scopes and tier, then audit the leaked key's usage over
     * the {@linkplain EmergencyRotation#AUDIT_WINDOW last week}. If the key already had an active
     * successor (a rotation was under way) that successor is kept, since its secret did not leak.
     * Rerunnable: a key that is already revoked is marked compromised and gets its successor.
     *
     * @throws dev.keyvault.UnknownKeyException if there is no such key (nothing was changed)
     * @throws dev.keyvault.KeyStoreException   if the store fails; if the key was revoked by then it stays revoked,
     *                             and running this again issues the successor
     */
    EmergencyRotation emergencyRotate(String keyId, String reason, String actor);

    /**
     * Records that {@code keyId}'s token was found where it should not be — reported by a
     * secret-scanning service, found by a scan of files, or seen by a person — without revoking it:
     * a {@link dev.keyvault.KeyEventType#LEAK_REPORTED} entry whose detail is {@code where}, the key marked compromised
     * (a {@code COMPROMISED} entry; {@code rotationDue} then lists it as due now), and
     * {@link dev.keyvault.KeyEventListener#onLeakReported} fired. Works on revoked keys too.
     *
     * <p>It leaves the decision to revoke to the caller: a responder that may act alone revokes
     * first ({@link dev.keyvault.KeyManager#revoke} or {@link #emergencyRotate}) and then records the
     * report here; one that may not leaves the key active for a person to rotate, and the listener
     * tells them. Idempotent: a report whose {@code where} is already in the key's history changes
     * nothing (a scanner that repeats itself), while the same key found in another place adds that
     * place.
     *
     * @param where  where the token was found, such as a URL (text, at most 1000 characters)
     * @param actor  who reports it (text, at most 200 characters)
     * @throws dev.keyvault.UnknownKeyException if there is no such key (nothing was changed)
     * @throws dev.keyvault.KeyStoreException   if the store fails; running it again completes it
     */
    LeakReport reportLeak(String keyId, String where, String actor);

    /**
     * What {@code keyId} was used for with rollup minutes in {@code [from, to)}: requests per hour,
     * endpoints (with 403 refusals for scope), client IPs (with first/last seen, and those never seen
     * before {@code from}), spike hours, and requests after revocation. Works on revoked keys. Flushes
     * this node's buffered usage first. Reads the key's whole usage history before {@code from} to tell
     * new addresses from known ones: an investigation call, not for every page view.
     *
     * @throws dev.keyvault.UnknownKeyException      if there is no such key
     * @throws IllegalArgumentException if {@code to} is before {@code from}
     * @throws dev.keyvault.KeyStoreException        if the store fails
     */
    UsageAudit usageAudit(String keyId, Instant from, Instant to);

    /**
     * Which keys selected by {@code filter} (owner, environment, tag; paging is ignored) were not
     * created or rotated within {@code maxAge}, with owner, age and risk class; full-access and
     * compromised keys are flagged too, and when the filter names an environment, the active keys
     * issued without one are listed so they cannot fall outside it silently. For example every
     * production key within 90 days:
     * {@code complianceReport(Duration.ofDays(90), KeyQuery.all().withEnvironment("production"))}.
     *
     * @throws IllegalArgumentException if {@code maxAge} is not positive, or the filter selects revoked keys
     */
    ComplianceReport complianceReport(Duration maxAge, KeyQuery filter);

    /**
     * Revokes every active key {@code selector} selects (an owner's, or a tag's), each on its own so
     * one failure does not stop the rest; with {@code dryRun} only lists them. Keys in an open rotation
     * are revoked like any other: this is the bulk emergency and off-boarding tool.
     */
    RevokeAllResult revokeAll(RevokeSelector selector, String reason, String actor, boolean dryRun);

    /** How long an old key must go unused before its rotation window is safe to close. */
    Duration quietPeriod();

    /** The rotation policy: cadence by risk class, and the warning window. */
    RotationPolicy policy();

    /**
     * Recomputes the stored rotation due dates of active keys that another policy computed (their
     * stored {@linkplain RotationPolicy#fingerprint() fingerprint} differs) or none did, with this
     * manager's policy — in batches of 500, each write conditional on the key not having changed
     * meanwhile, so it is safe on a live system. Run it after changing the policy; a manager with a
     * background thread does it at start and hourly unless built with
     * {@code recomputeDueDatesInBackground(false)}. With {@code all}, every active key is recomputed:
     * for a classifier whose rules changed without its {@link RiskClassifier#id()}.
     */
    DueDateRecompute recomputeDueDates(boolean all);
}
