package dev.keyvault.internal.rotation;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import dev.keyvault.DuplicateKeyException;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyEventType;
import dev.keyvault.KeyQuery;
import dev.keyvault.KeySpec;
import dev.keyvault.KeyStateException;
import dev.keyvault.KeyStatus;
import dev.keyvault.KeyStoreException;
import dev.keyvault.Revocation;
import dev.keyvault.RevocationResult;
import dev.keyvault.RotateOptions;
import dev.keyvault.Syntax;
import dev.keyvault.UnknownKeyException;
import dev.keyvault.UsageRollup;
import dev.keyvault.internal.Checks;
import dev.keyvault.internal.KeyOperations;
import dev.keyvault.internal.Paging;
import dev.keyvault.internal.RotationNames;
import dev.keyvault.internal.SafeListener;
import dev.keyvault.rotation.CompletionResult;
import dev.keyvault.rotation.ComplianceReport;
import dev.keyvault.rotation.DueDateRecompute;
import dev.keyvault.rotation.EmergencyRotation;
import dev.keyvault.rotation.LeakReport;
import dev.keyvault.rotation.RevokeAllResult;
import dev.keyvault.rotation.RevokeSelector;
import dev.keyvault.rotation.RotationPolicy;
import dev.keyvault.rotation.RotationStatus.ClientMigration;
import dev.keyvault.rotation.RotationStatus.State;
import dev.keyvault.rotation.RotationStatus;
import dev.keyvault.rotation.RotationWorkflows;
import dev.keyvault.rotation.UsageAudit;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.spi.PredecessorCondition;
import dev.keyvault.spi.StoredKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rotation workflows (see {@link RotationWorkflows}) on top of the manager's primitives
 * ({@link KeyOperations}): status, completion, emergency rotation, audit, compliance and bulk
 * revocation. Every step that changes something goes through the store's atomic primitives and
 * leaves an entry in the key's history. Thread-safe (no state of its own). The {@code AutoRotator}
 * and {@code RotationSupervisor} drive it through {@link #of}.
 */
public final class Workflows implements RotationWorkflows {
    private static final Logger LOG = LoggerFactory.getLogger(Workflows.class);
    /** The reason the {@code AutoRotator} rotates with; recognises its successors in the old key's history. */
    public static final String AUTO_ROTATION_REASON = "automated rotation";
    private static final int LISTED_CLIENTS = 10;

    private final KeyOperations ops;

    public Workflows(KeyOperations ops) {
        this.ops = ops;
    }

    /** The implementation behind a manager's {@code rotation()}. */
    public static Workflows of(RotationWorkflows workflows) {
        if (workflows instanceof Workflows w) {
            return w;
        }
        throw new IllegalArgumentException("not the workflows of a KeyManager: " + workflows.getClass().getName());
    }

    /** The primitives these workflows run on. */
    public KeyOperations operations() {
        return ops;
    }

    @Override
    public Duration quietPeriod() {
        return ops.quietPeriod();
    }

    @Override
    public RotationPolicy policy() {
        return ops.policy();
    }

    @Override
    public DueDateRecompute recomputeDueDates(boolean all) {
        return ops.recomputeDueDates(all);
    }

    // ------------------------------------------------------------------------------------- status

    @Override
    public RotationStatus status(String oldKeyId) {
        Syntax.keyId(oldKeyId);
        ops.ensureOpen();
        ops.flush();
        return statusOf(find(oldKeyId));
    }

    /** The status of {@code old} from the store as it is (no flush). */
    public RotationStatus statusOf(ApiKey old) {
        String successorId = old.successorId().orElseThrow(() -> new KeyStateException(
                "key " + old.id() + " has not been rotated; there is no rotation window to report on"));
        ApiKey successor = store().find(successorId).map(StoredKey::key).orElseThrow(() -> new KeyStateException(
                "the successor " + successorId + " of key " + old.id() + " is missing from the store"));
        Instant now = ops.now();
        Instant from = UsageRollup.minuteOf(successor.createdAt());
        Instant to = UsageRules.endOfMinute(now.isAfter(from) ? now : from);
        List<UsageRollup> oldUsage = store().usage(old.id(), from, to);
        List<UsageRollup> newUsage = store().usage(successorId, from, to);
        return RotationStatusCalculator.compute(old, successor, oldUsage, newUsage, ops.unattributedUsageDrop(), now,
                ops.quietPeriod());
    }

    // --------------------------------------------------------------------------------- completion

    @Override
    public CompletionResult complete(String oldKeyId, String actor) {
        return complete(oldKeyId, actor, Optional.empty());
    }

    @Override
    public CompletionResult forceComplete(String oldKeyId, String reason, String actor) {
        return complete(oldKeyId, actor, Optional.of(Syntax.text("reason", reason, Syntax.MAX_REASON)));
    }

    private CompletionResult complete(String oldKeyId, String actor, Optional<String> forceReason) {
        Syntax.keyId(oldKeyId);
        Syntax.text("actor", actor, Syntax.MAX_ACTOR);
        ops.ensureOpen();
        ops.flush();
        return completeWith(statusOf(find(oldKeyId)), actor, forceReason, true);
    }

    /**
     * Completes from an already computed status (the supervisor computes it first to decide; it
     * passes {@code noteRefusal = false} so that a window it re-checks every few minutes does not
     * fill the history with the same refusal).
     */
    public CompletionResult completeWith(RotationStatus status, String actor, Optional<String> forceReason, boolean noteRefusal) {
        ApiKey old = status.predecessor();
        ApiKey successor = status.successor();
        String oldId = old.id();
        String successorId = successor.id();
        if (status.state() == State.COMPLETED) {
            return new CompletionResult(oldId, successorId, CompletionResult.Outcome.ALREADY_COMPLETED, status, List.of(), List.of());
        }
        if (status.state() == State.ABANDONED) {
            String why = "the successor " + successorId + " is revoked, so there is nothing to complete into: rotate the key"
                    + " again, or revoke it if it is no longer needed";
            return refused(status, actor, List.of(why), noteRefusal);
        }
        if (status.state() != State.DEADLINE_PASSED && isAutomated(history(oldId), successorId)
                && deliveredAt(history(successorId)).isEmpty()) {
            // Nobody holds the successor's secret yet: revoking the old key now would cut off every consumer.
            String why = "the successor " + successorId + " was issued by the AutoRotator and its secret has not been"
                    + " delivered yet: run the AutoRotator again (it resumes), or revoke with revoke() in an emergency";
            return refused(status, actor, List.of(why), noteRefusal);
        }

        List<String> unsafe = status.safeToRevoke() ? List.of() : unsafeReasons(status);
        if (!status.safeToRevoke() && forceReason.isEmpty()) {
            return refused(status, actor, unsafe, noteRefusal);
        }

        if (status.state() == State.SAFE_TO_COMPLETE) {
            markSafe(status, actor);
        }
        boolean forced = !status.safeToRevoke();
        String revokeReason;
        if (forced) {
            revokeReason = "rotation to " + successorId + " force-completed: " + forceReason.get();
        } else if (status.state() == State.DEADLINE_PASSED) {
            revokeReason = "rotation to " + successorId + " completed: the deadline " + status.deadline().orElseThrow() + " passed";
        } else {
            revokeReason = "rotation to " + successorId + " completed: successor in use, old key quiet for "
                    + Texts.human(status.oldKeyQuietFor());
        }
        RevocationResult revoked = ops.revoke(oldId, Texts.clip(revokeReason, Syntax.MAX_REASON), actor, false);
        if (revoked.outcome() != RevocationResult.Outcome.REVOKED) {
            return new CompletionResult(oldId, successorId, CompletionResult.Outcome.ALREADY_COMPLETED, status, List.of(), List.of());
        }
        List<ClientMigration> blocking = status.blockingClients();
        String detail = "replaced by " + successorId
                + (forced ? "; forced by " + actor + " (" + String.join("; ", unsafe) + ")" : "")
                + (blocking.isEmpty() ? "" : "; clients still on the old key: " + clientNames(blocking));
        ops.note(oldId, KeyEventType.ROTATION_COMPLETED, actor, detail);
        List<String> reasons = new ArrayList<>(unsafe);
        forceReason.filter(r -> forced).ifPresent(r -> reasons.add("forced by " + actor + ": " + r));
        return new CompletionResult(oldId, successorId, forced ? CompletionResult.Outcome.FORCED : CompletionResult.Outcome.COMPLETED,
                status, blocking, reasons);
    }

    /** Records (once) that the window became safe, and tells the listener. */
    public void markSafe(RotationStatus status, String actor) {
        String oldId = status.predecessor().id();
        for (KeyEvent e : history(oldId)) {
            if (e.type() == KeyEventType.ROTATION_SAFE && e.detail().startsWith("successor " + status.successor().id())) {
                return;
            }
        }
        ops.note(oldId, KeyEventType.ROTATION_SAFE, actor,
                "successor " + status.successor().id() + " in use since " + status.successorLastUsedAt().orElseThrow()
                        + "; old key quiet for " + Texts.human(status.oldKeyQuietFor()));
        SafeListener.call(ops.listener(), l -> l.onRotationWindowSafe(status.predecessor(), status.successor()));
    }

    private static List<String> unsafeReasons(RotationStatus s) {
        List<String> reasons = new ArrayList<>();
        if (!s.successorUsed()) {
            reasons.add("the successor " + s.successor().id() + " has not been used yet");
        }
        if (s.oldKeyQuietFor().compareTo(s.quietPeriod()) < 0) {
            reasons.add("the old key has been quiet for " + Texts.human(s.oldKeyQuietFor()) + " only; it must be quiet for "
                    + Texts.human(s.quietPeriod()) + " (until " + s.oldKeyQuietSince().plus(s.quietPeriod()) + " at the earliest)");
        }
        List<ClientMigration> notMigrated = s.notMigrated();
        if (!notMigrated.isEmpty()) {
            reasons.add(notMigrated.size() + " client(s) seen on the old key but not yet on the successor: "
                    + clientNames(notMigrated));
        }
        return reasons;
    }

    private static String clientNames(List<ClientMigration> clients) {
        List<String> names = new ArrayList<>();
        for (ClientMigration c : clients) {
            names.add(c.client());
        }
        return Texts.list(names, LISTED_CLIENTS);
    }

    /**
     * {@link KeyManager#revoke(String, String, String)} stays unconditional (an emergency must never be
     * blocked), so revoking a key in an open rotation while it is still in use is flagged here instead:
     * a note in its history names the clients that will now get 401s.
     */
    public void flagRevokedMidRotation(RevocationResult result, String actor) {
        if (result.outcome() != RevocationResult.Outcome.REVOKED || result.key().isEmpty()
                || result.key().get().successorId().isEmpty()) {
            return;
        }
        ApiKey old = result.key().get();
        try {
            ops.flush(); // what this node has buffered counts too: a client seen here is still a client
            RotationStatus status = statusOf(store().find(old.id()).map(StoredKey::key).orElse(old));
            if (!status.successor().isActive()) {
                return;
            }
            Instant now = ops.now();
            Optional<Instant> lastUse = status.predecessorLastUsedAt().filter(t -> t.plus(status.quietPeriod()).isAfter(now));
            List<ClientMigration> notMigrated = status.notMigrated();
            if (lastUse.isEmpty() && notMigrated.isEmpty()) {
                return;
            }
            String detail = "revoked during the open rotation to " + status.successor().id()
                    + " without completing it, while still in use"
                    + lastUse.map(t -> ": last used " + Texts.human(Duration.between(t, now)) + " ago (quiet period "
                            + Texts.human(status.quietPeriod()) + ")").orElse("")
                    + (notMigrated.isEmpty() ? "" : "; clients not yet on the successor: " + clientNames(notMigrated))
                    + "; they now get 401s (see rotationStatus and usageAudit)";
            ops.note(old.id(), KeyEventType.NOTE, actor, detail);
        } catch (RuntimeException e) {
            // The revocation itself succeeded; the flag is advice and must not turn it into a failure.
            LOG.debug("could not check the rotation of revoked key {}: {}", old.id(), e.toString());
        }
    }

    // ---------------------------------------------------------------------------------- emergency

    @Override
    public EmergencyRotation emergencyRotate(String keyId, String reason, String actor) {
        Syntax.keyId(keyId);
        ops.ensureOpen();
        Syntax.text("reason", reason, Syntax.MAX_REASON);
        Syntax.text("actor", actor, Syntax.MAX_ACTOR);
        // Revoke before anything else: this node stops accepting the key when this returns, and the
        // change feed carries it to the others.
        RevocationResult revocation = ops.revoke(keyId, Texts.clip("emergency: " + reason, Syntax.MAX_REASON), actor, true);
        if (revocation.outcome() == RevocationResult.Outcome.NOT_FOUND) {
            throw new UnknownKeyException(keyId);
        }
        ApiKey old = find(keyId);
        Optional<IssuedKey> issued = Optional.empty();
        Optional<ApiKey> existing = activeSuccessor(old);
        if (existing.isEmpty()) {
            RotateOptions options = RotateOptions.defaults().withActor(actor)
                    .withReason(Texts.clip("emergency rotation: " + reason, Syntax.MAX_REASON));
            try {
                issued = Optional.of(rotateWithFreeName(old, options, PredecessorCondition.MAY_BE_REVOKED));
            } catch (KeyStateException e) {
                existing = activeSuccessor(find(keyId)); // someone rotated it concurrently; keep theirs
                if (existing.isEmpty()) {
                    throw e;
                }
            }
        }
        Instant revokedAt = revocation.key().flatMap(ApiKey::revocation).map(Revocation::at).orElseGet(ops::now);
        Optional<UsageAudit> audit = Optional.empty();
        Optional<String> auditFailure = Optional.empty();
        try {
            ops.flush();
            audit = Optional.of(audit(keyId, revokedAt.minus(EmergencyRotation.AUDIT_WINDOW), UsageRules.endOfMinute(ops.now())));
        } catch (RuntimeException e) {
            // The new token exists only in this result: never lose it to a failed read.
            auditFailure = Optional.of("the audit failed (" + e.getClass().getSimpleName() + "); run usageAudit again");
            LOG.debug("audit after emergency rotation of {} failed: {}", keyId, e.toString());
        }
        return new EmergencyRotation(revocation, issued, existing, audit, auditFailure);
    }

    @Override
    public LeakReport reportLeak(String keyId, String where, String actor) {
        Syntax.keyId(keyId);
        Syntax.text("where", where, KeyEvent.MAX_DETAIL);
        Syntax.text("actor", actor, Syntax.MAX_ACTOR);
        ops.ensureOpen();
        find(keyId); // unknown: throw before writing anything
        // conditional in the store: the same report delivered twice, to one node or two, is recorded once
        boolean newReport = store().appendEventOnce(new KeyEvent(keyId, KeyEventType.LEAK_REPORTED, ops.now(), actor,
                Texts.clip(where, KeyEvent.MAX_DETAIL)));
        // Read after the report is written: a key revoked and compromised meanwhile is not marked twice.
        ApiKey key = find(keyId);
        boolean newlyCompromised = false;
        if (!key.compromised()) {
            // conditional in the store: of several nodes marking at once, one marks and records it
            newlyCompromised = store().markCompromised(keyId, new KeyEvent(keyId, KeyEventType.COMPROMISED, ops.now(),
                    actor, Texts.clip("leak reported: " + where, KeyEvent.MAX_DETAIL)));
            ops.engine().invalidate(keyId);
            key = find(keyId);
        }
        if (newReport) {
            ApiKey reported = key;
            SafeListener.call(ops.listener(), l -> l.onLeakReported(reported, where));
        }
        return new LeakReport(key, newReport, newlyCompromised);
    }

    private Optional<ApiKey> activeSuccessor(ApiKey key) {
        return key.successorId().flatMap(id -> store().find(id)).map(StoredKey::key).filter(ApiKey::isActive);
    }

    /** Rotates, moving on to the next version name if another active key of the owner holds one. */
    public IssuedKey rotateWithFreeName(ApiKey old, RotateOptions options, PredecessorCondition condition) {
        String name = options.successorName().orElseGet(() -> RotationNames.next(old.name()));
        for (int attempt = 1; ; attempt++) {
            try {
                return ops.rotateFrom(old, options.withSuccessorName(name), condition);
            } catch (DuplicateKeyException e) {
                if (e.conflict() != DuplicateKeyException.Conflict.ACTIVE_NAME || attempt == 5) {
                    throw e;
                }
                name = RotationNames.next(name);
            }
        }
    }

    // -------------------------------------------------------------------------------------- audit

    @Override
    public UsageAudit usageAudit(String keyId, Instant from, Instant to) {
        Syntax.keyId(keyId);
        ops.ensureOpen();
        ops.flush();
        return audit(keyId, from, to);
    }

    private UsageAudit audit(String keyId, Instant from, Instant to) {
        Syntax.keyId(keyId);
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to is before from");
        }
        ApiKey key = find(keyId);
        List<UsageRollup> before = from.isAfter(Instant.EPOCH) ? store().usage(keyId, Instant.EPOCH, from) : List.of();
        List<UsageRollup> window = store().usage(keyId, from, to);
        return UsageAuditor.audit(key, from, to, before, window);
    }

    // --------------------------------------------------------------------------------- compliance

    @Override
    public ComplianceReport complianceReport(Duration maxAge, KeyQuery filter) {
        ops.ensureOpen();
        Checks.positive("maxAge", maxAge);
        requireNonNull(filter, "filter");
        if (filter.status().isPresent() && filter.status().get() != KeyStatus.ACTIVE) {
            throw new IllegalArgumentException("a compliance report judges active keys; the filter asks for " + filter.status().get());
        }
        KeyQuery normalized = new KeyQuery(filter.owner(), Optional.of(KeyStatus.ACTIVE), filter.environment(), filter.tag(),
                Optional.empty(), KeyQuery.MAX_LIMIT, filter.metadata());
        List<ApiKey> candidates = new ArrayList<>();
        for (StoredKey s : Paging.all(store(), normalized)) {
            candidates.add(s.key());
        }
        List<ApiKey> withoutEnvironment = new ArrayList<>();
        if (filter.environment().isPresent() && !filter.environment().get().equals(KeySpec.NO_ENVIRONMENT)) {
            KeyQuery unassigned = new KeyQuery(filter.owner(), Optional.of(KeyStatus.ACTIVE), Optional.of(KeySpec.NO_ENVIRONMENT),
                    filter.tag(), Optional.empty(), KeyQuery.MAX_LIMIT, filter.metadata());
            for (StoredKey s : Paging.all(store(), unassigned)) {
                withoutEnvironment.add(s.key());
            }
        }
        return ComplianceChecker.check(candidates, ops.policy(), maxAge, normalized, ops.now(),
                id -> store().find(id).map(StoredKey::key).filter(ApiKey::isActive), withoutEnvironment);
    }

    // --------------------------------------------------------------------------------- revoke all

    @Override
    public RevokeAllResult revokeAll(RevokeSelector selector, String reason, String actor, boolean dryRun) {
        ops.ensureOpen();
        requireNonNull(selector, "selector");
        Syntax.text("reason", reason, Syntax.MAX_REASON);
        Syntax.text("actor", actor, Syntax.MAX_ACTOR);
        List<RevokeAllResult.Entry> entries = new ArrayList<>();
        List<ApiKey> selected = new ArrayList<>();
        for (StoredKey s : Paging.all(store(), selector.toQuery())) {
            selected.add(s.key());
        }
        selected.sort(Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id));
        for (ApiKey key : selected) {
            if (dryRun) {
                entries.add(new RevokeAllResult.Entry(key, RevokeAllResult.Outcome.WOULD_REVOKE, Optional.empty()));
                continue;
            }
            try {
                RevocationResult r = ops.revoke(key.id(), reason, actor, false);
                entries.add(switch (r.outcome()) {
                    case REVOKED -> new RevokeAllResult.Entry(key, RevokeAllResult.Outcome.REVOKED, Optional.empty());
                    case ALREADY_REVOKED -> new RevokeAllResult.Entry(key, RevokeAllResult.Outcome.ALREADY_REVOKED, Optional.empty());
                    case NOT_FOUND -> new RevokeAllResult.Entry(key, RevokeAllResult.Outcome.FAILED,
                            Optional.of("the key is no longer in the store"));
                });
            } catch (KeyStoreException e) {
                entries.add(new RevokeAllResult.Entry(key, RevokeAllResult.Outcome.FAILED, Optional.of(e.getMessage())));
            }
        }
        return new RevokeAllResult(selector, dryRun, entries);
    }

    // ------------------------------------------------------------------------------------ helpers

    /** A refusal to complete, noted in the old key's history unless the caller re-checks on a schedule. */
    private CompletionResult refused(RotationStatus status, String actor, List<String> reasons, boolean noteRefusal) {
        String oldId = status.predecessor().id();
        if (noteRefusal) {
            note(oldId, actor, "completeRotation refused: " + String.join("; ", reasons));
        }
        return new CompletionResult(oldId, status.successor().id(), CompletionResult.Outcome.REFUSED, status,
                status.blockingClients(), reasons);
    }

    /** Whether {@code successorId} was issued by the {@code AutoRotator} (its ROTATED entry carries its reason). */
    public static boolean isAutomated(List<KeyEvent> oldHistory, String successorId) {
        for (KeyEvent e : oldHistory) {
            if (e.type() == KeyEventType.ROTATED
                    && Texts.isRotationTo(e.detail(), successorId, AUTO_ROTATION_REASON)) {
                return true;
            }
        }
        return false;
    }

    /** When a secrets sink accepted the key's secret, if it did. */
    public static Optional<Instant> deliveredAt(List<KeyEvent> history) {
        for (KeyEvent e : history) {
            if (e.type() == KeyEventType.SECRET_DELIVERED) {
                return Optional.of(e.at());
            }
        }
        return Optional.empty();
    }

    public void note(String keyId, String actor, String text) {
        ops.note(keyId, KeyEventType.NOTE, actor, text);
    }

    public List<KeyEvent> history(String keyId) {
        return ops.history(keyId);
    }

    public ApiKey find(String keyId) {
        return ops.find(keyId);
    }

    private KeyStore store() {
        return ops.store();
    }
}
