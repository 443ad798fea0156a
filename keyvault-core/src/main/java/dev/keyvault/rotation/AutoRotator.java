package dev.keyvault.rotation;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyEventType;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyQuery;
import dev.keyvault.KeyStateException;
import dev.keyvault.KeyStatus;
import dev.keyvault.RevocationResult;
import dev.keyvault.RotateOptions;
import dev.keyvault.Syntax;
import dev.keyvault.internal.Checks;
import dev.keyvault.internal.KeyOperations;
import dev.keyvault.internal.Paging;
import dev.keyvault.internal.rotation.Texts;
import dev.keyvault.internal.rotation.Workflows;
import dev.keyvault.rotation.AutoRotationResult.Outcome;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.spi.PredecessorCondition;
import dev.keyvault.spi.SecretsSink;
import dev.keyvault.spi.StoredKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates keys without a person in the loop: for each key that is due (or one given key) it issues
 * the successor, runs a host-supplied {@link Probe} that makes a real request with the new token,
 * hands the token to a {@link SecretsSink}, and then revokes the old key at once or lets it expire
 * at the end of an overlap window.
 *
 * <pre>{@code
 * AutoRotator rotator = AutoRotator.builder(keys, PropertiesFileSecretsSink.of(Path.of("/etc/app/keys.properties")))
 *         .probe(issued -> api.get("/v1/ping", issued.token()).status() == 200)
 *         .filter(KeyQuery.all().withEnvironment("production"))
 *         .build();
 * scheduler.scheduleAtFixedRate(() -> rotator.runOnce().forEach(r -> log.info("{}", r)), 0, 1, HOURS);
 * }</pre>
 *
 * <p><b>Failures.</b> A failed probe or a sink that throws revokes the new key and leaves the old key
 * untouched, and the result says so. <b>Crashes.</b> Each step is durable in the store before the
 * next one starts, so running again after a crash between any two steps resumes:
 * <ul>
 *   <li>never two active successors: an earlier successor is revoked before another is issued, and
 *       the store's rotation step is a compare-and-set;</li>
 *   <li>never the old key revoked (or its expiry lowered) before the sink accepted the new token: the
 *       sink's acceptance is recorded as a {@link KeyEventType#SECRET_DELIVERED} entry in the
 *       successor's history, and only a successor with that entry retires the old key;</li>
 *   <li>never a lost secret: the token exists only in memory, so a successor left undelivered by an
 *       interrupted run is revoked and replaced by a fresh one that is delivered in its place (if the
 *       sink had in fact accepted it, the next delivery overwrites it).</li>
 * </ul>
 * An undelivered successor younger than {@link Builder#staleAfter} is assumed to be in flight in
 * another run and left alone. Run one rotator per store (one scheduled job); runs of one instance are
 * serialized. A rotation started by hand ({@link KeyManager#rotate}) is never touched.
 *
 * <p>The rotator writes to each key's history (with its {@linkplain Builder#actor actor}): the
 * rotation, the delivery receipt, and the revocations with their reasons. With an overlap window,
 * combine it with a {@link RotationSupervisor} to close windows early once the old key is quiet.
 * Thread-safe.
 */
public final class AutoRotator {
    private static final Logger LOG = LoggerFactory.getLogger(AutoRotator.class);
    private static final int MAX_FAILURE_TEXT = 300;

    /**
     * Checks a new key before its token is handed out: typically a real request through the host's
     * API with the token, answering whether it was accepted.
     */
    @FunctionalInterface
    public interface Probe {
        /**
         * @return {@code true} if the new key works
         * @throws Exception counts as a failed probe (its message is kept, with the token masked)
         */
        boolean check(IssuedKey successor) throws Exception;
    }

    private final Workflows flows;
    private final KeyOperations ops;
    private final SecretsSink sink;
    private final Probe probe;
    private final Duration overlap;
    private final String actor;
    private final KeyQuery filter;
    private final Duration staleAfter;
    private final Object lock = new Object();

    private AutoRotator(Builder b) {
        this.flows = Workflows.of(b.keys.rotation());
        this.ops = flows.operations();
        KeyManager keys = b.keys;
        this.sink = b.sink;
        this.probe = b.probe != null ? b.probe : issued -> keys.verify(issued.token()).isVerified();
        this.overlap = b.overlap;
        this.actor = b.actor;
        this.filter = b.filter;
        this.staleAfter = b.staleAfter;
    }

    /** A builder for a rotator that delivers to {@code sink}; see the setters for the defaults. */
    public static Builder builder(KeyManager keys, SecretsSink sink) {
        return new Builder(requireNonNull(keys, "keys"), requireNonNull(sink, "sink"));
    }

    /**
     * Rotates every active key of the {@linkplain Builder#filter filter} that
     * {@link KeyManager#rotationDue} lists (due, overdue, or within the warning window) and resumes
     * every automated rotation that is not finished (an undelivered successor, an open window).
     * One key's failure does not stop the others.
     *
     * @return one result per key acted on or skipped, in due order
     */
    public List<AutoRotationResult> runOnce() {
        synchronized (lock) {
            ops.ensureOpen();
            Instant now = ops.now();
            Map<String, ApiKey> candidates = new LinkedHashMap<>();
            for (RotationDue due : ops.dueEntries(now, filter)) {
                if (filter.matches(due.key())) {
                    candidates.put(due.key().id(), due.key());
                }
            }
            KeyQuery active = new KeyQuery(filter.owner(), Optional.of(KeyStatus.ACTIVE), filter.environment(), filter.tag(),
                    Optional.empty(), KeyQuery.MAX_LIMIT, filter.metadata());
            for (StoredKey s : Paging.all(store(), active)) {
                Optional<String> successor = s.key().successorId();
                if (successor.isPresent() && !candidates.containsKey(s.id())
                        && Workflows.isAutomated(store().history(s.id()), successor.get())) {
                    candidates.put(s.id(), s.key());
                }
            }
            List<AutoRotationResult> results = new ArrayList<>();
            for (ApiKey key : candidates.values()) {
                results.add(guarded(key.id()));
            }
            return List.copyOf(results);
        }
    }

    /**
     * Rotates {@code keyId} now, due or not (or resumes its unfinished automated rotation).
     *
     * @throws dev.keyvault.UnknownKeyException      if there is no such key
     * @throws IllegalArgumentException if {@code keyId} is not a key id
     */
    public AutoRotationResult rotate(String keyId) {
        Syntax.keyId(keyId);
        synchronized (lock) {
            ops.ensureOpen();
            flows.find(keyId);
            return guarded(keyId);
        }
    }

    private AutoRotationResult guarded(String keyId) {
        List<String> steps = new ArrayList<>();
        try {
            return rotateOne(keyId, steps);
        } catch (RuntimeException e) {
            // Every step so far is in the store; the next run picks up from there. Errors are not
            // caught: like a crash, they leave the durable state for the next run to resume.
            LOG.debug("automated rotation of {} failed: {}", keyId, e.toString());
            steps.add("failed: " + Texts.safe(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(),
                    MAX_FAILURE_TEXT, "?") + "; the next run resumes");
            return new AutoRotationResult(keyId, Outcome.FAILED, Optional.empty(), Optional.empty(), steps);
        }
    }

    private AutoRotationResult rotateOne(String keyId, List<String> steps) {
        ApiKey old = flows.find(keyId);
        if (!old.isActive()) {
            steps.add("the key is revoked; nothing to rotate");
            return result(keyId, Outcome.SKIPPED, Optional.empty(), steps);
        }
        if (old.successorId().isPresent()) {
            String successorId = old.successorId().get();
            Optional<ApiKey> successor = store().find(successorId).map(StoredKey::key).filter(ApiKey::isActive);
            if (successor.isPresent()) {
                Optional<Instant> delivered = Workflows.deliveredAt(store().history(successorId));
                if (delivered.isPresent()) {
                    steps.add("resumed: successor " + successorId + " was delivered at " + delivered.get());
                    return retireOld(old, successor.get(), delivered.get(), steps);
                }
                if (!Workflows.isAutomated(store().history(keyId), successorId)) {
                    steps.add("a rotation to " + successorId + " started by hand is in progress; finish it with completeRotation");
                    return result(keyId, Outcome.SKIPPED, Optional.empty(), steps);
                }
                Duration age = Duration.between(successor.get().createdAt(), ops.now());
                if (age.compareTo(staleAfter) < 0) {
                    steps.add("successor " + successorId + " was issued " + Texts.human(age) + " ago and may still be in"
                            + " flight in another run; left alone until it is " + Texts.human(staleAfter) + " old");
                    return result(keyId, Outcome.SKIPPED, Optional.empty(), steps);
                }
                ops.revoke(successorId, "auto-rotation: the run that issued this key was interrupted before its secret"
                        + " was delivered; it is replaced", actor, false);
                steps.add("revoked successor " + successorId + ", left undelivered by an interrupted run");
                old = flows.find(keyId);
            }
        }

        IssuedKey issued;
        try {
            issued = flows.rotateWithFreeName(old, RotateOptions.defaults().withActor(actor)
                    .withReason(Workflows.AUTO_ROTATION_REASON), PredecessorCondition.MUST_BE_ACTIVE);
        } catch (KeyStateException e) {
            steps.add("someone else rotated or revoked the key at the same time: " + e.getMessage());
            return result(keyId, Outcome.SKIPPED, Optional.empty(), steps);
        }
        steps.add("issued successor " + issued.id() + " '" + issued.key().name() + "'");

        String probeFailure = null;
        try {
            if (!probe.check(issued)) {
                probeFailure = "the probe answered false";
            }
        } catch (Exception e) {
            probeFailure = "the probe threw " + Texts.describe(e, issued.token(), issued.key().hint(), MAX_FAILURE_TEXT);
        }
        if (probeFailure != null) {
            revokeNew(issued, "probe failed: " + probeFailure, steps);
            return result(keyId, Outcome.PROBE_FAILED, Optional.of(issued.key()), steps);
        }
        steps.add("probe passed");

        try {
            sink.deliver(old, issued);
        } catch (Exception e) {
            revokeNew(issued, "secrets sink " + sinkName() + " failed: "
                    + Texts.describe(e, issued.token(), issued.key().hint(), MAX_FAILURE_TEXT), steps);
            return result(keyId, Outcome.SINK_FAILED, Optional.of(issued.key()), steps);
        }
        Instant deliveredAt = ops.now();
        store().appendEvent(new KeyEvent(issued.id(), KeyEventType.SECRET_DELIVERED, deliveredAt, actor,
                "delivered to " + sinkName() + " as the replacement of " + keyId));
        steps.add("delivered to " + sinkName());
        return retireOld(flows.find(keyId), issued.key(), deliveredAt, steps);
    }

    private void revokeNew(IssuedKey issued, String why, List<String> steps) {
        String reason = Texts.clip("auto-rotation: " + why + "; the old key is untouched", Syntax.MAX_REASON);
        ops.revoke(issued.id(), reason, actor, false);
        steps.add(Texts.clip(why, 400));
        steps.add("revoked the new key " + issued.id() + "; the old key is untouched");
    }

    /** Revokes the old key, or lets it run until the end of the window; only after a recorded delivery. */
    private AutoRotationResult retireOld(ApiKey old, ApiKey delivered, Instant deliveredAt, List<String> steps) {
        String keyId = old.id();
        Optional<ApiKey> successor = store().find(delivered.id()).map(StoredKey::key).filter(ApiKey::isActive);
        if (successor.isEmpty()) {
            steps.add("the delivered successor " + delivered.id() + " was revoked meanwhile; the old key is left active"
                    + " and the next run issues a new successor");
            return new AutoRotationResult(keyId, Outcome.FAILED, Optional.of(delivered), Optional.empty(), steps);
        }
        if (!old.isActive()) {
            steps.add("the old key was already revoked");
            return result(keyId, Outcome.ROTATED, successor, steps);
        }
        Instant now = ops.now();
        Instant windowEnd = deliveredAt.plus(overlap);
        if (overlap.isZero() || !now.isBefore(windowEnd) || old.isExpiredAt(now)) {
            String why = overlap.isZero() ? "replaced by " + delivered.id() : "the rotation window to " + delivered.id() + " ended";
            RevocationResult r = ops.revoke(keyId, "auto-rotation: " + why, actor, false);
            if (r.outcome() == RevocationResult.Outcome.REVOKED) {
                store().appendEvent(new KeyEvent(keyId, KeyEventType.ROTATION_COMPLETED, ops.now(), actor,
                        "replaced by " + delivered.id() + " (automated; secret delivered at " + deliveredAt + ")"));
            }
            steps.add("revoked the old key (" + why + ")");
            return result(keyId, Outcome.ROTATED, successor, steps);
        }
        if (old.expiresAt().isEmpty() || old.expiresAt().get().isAfter(windowEnd)) {
            ops.shortenExpiry(keyId, windowEnd, new KeyEvent(keyId, KeyEventType.EXPIRY_CHANGED, now, actor,
                    "rotation window: expires at " + windowEnd + " (automated rotation to " + delivered.id() + ")"));
            steps.add("the old key now expires at " + windowEnd + ", the end of the rotation window");
        } else {
            steps.add("the old key expires at " + old.expiresAt().get());
        }
        Instant expires = old.expiresAt().filter(e -> e.isBefore(windowEnd)).orElse(windowEnd);
        return new AutoRotationResult(keyId, Outcome.WINDOW_OPEN, successor, Optional.of(expires), steps);
    }

    private static AutoRotationResult result(String keyId, Outcome outcome, Optional<ApiKey> successor, List<String> steps) {
        return new AutoRotationResult(keyId, outcome, successor, Optional.empty(), steps);
    }

    private String sinkName() {
        String name;
        try {
            name = sink.name();
        } catch (RuntimeException e) {
            name = null;
        }
        return Texts.safe(name == null ? "" : name, 100, "secrets sink");
    }

    private KeyStore store() {
        return ops.store();
    }

    @Override
    public String toString() {
        return "AutoRotator[sink=" + sinkName() + ", overlap=" + overlap + ", actor=" + actor + ", filter=" + filter + "]";
    }

    /**
     * Configures an {@link AutoRotator}. Every setter checks its argument at once; setting an option
     * twice is an {@link IllegalStateException}. Not thread-safe; the built rotator is.
     */
    public static final class Builder {
        private final KeyManager keys;
        private final SecretsSink sink;
        private Probe probe;
        private Duration overlap = Duration.ofHours(24);
        private String actor = "auto-rotator";
        private KeyQuery filter = KeyQuery.all();
        private Duration staleAfter = Duration.ofMinutes(15);
        private final java.util.Set<String> set = new java.util.HashSet<>();

        private Builder(KeyManager keys, SecretsSink sink) {
            this.keys = keys;
            this.sink = sink;
        }

        private void once(String option) {
            if (!set.add(option)) {
                throw new IllegalStateException(option + " was already set");
            }
        }

        /**
         * Checks each new key before its token is delivered. Default: the token verifies with the
         * manager (a local check only; supply a probe that calls your API for an end-to-end check).
         */
        public Builder probe(Probe probe) {
            requireNonNull(probe, "probe");
            once("probe");
            this.probe = probe;
            return this;
        }

        /**
         * How long the old key keeps verifying after the new token was delivered, so consumers that
         * cache their secret can reload it; {@link Duration#ZERO} revokes it at once. The old key's
         * expiry is lowered to the end of the window (never raised), and the next run after that, or a
         * {@link RotationSupervisor}, revokes it. Default: 24 hours.
         */
        public Builder overlap(Duration overlap) {
            Checks.nonNegative("overlap", overlap);
            once("overlap");
            this.overlap = overlap;
            return this;
        }

        /** Who the history names for the rotator's steps. Default: {@code auto-rotator}. */
        public Builder actor(String actor) {
            Syntax.text("actor", actor, Syntax.MAX_ACTOR);
            once("actor");
            this.actor = actor;
            return this;
        }

        /**
         * Which keys {@link AutoRotator#runOnce()} may rotate: owner, environment and tag of the query
         * apply; its status must be absent or {@code ACTIVE}, paging is ignored. Default: every key.
         */
        public Builder filter(KeyQuery filter) {
            requireNonNull(filter, "filter");
            if (filter.status().isPresent() && filter.status().get() != KeyStatus.ACTIVE) {
                throw new IllegalArgumentException("only active keys can be rotated");
            }
            once("filter");
            this.filter = filter;
            return this;
        }

        /**
         * How old an undelivered successor must be before a run treats the run that issued it as
         * interrupted and replaces it; younger ones may be in flight in another process. Zero when a
         * single process runs the rotator. Default: 15 minutes.
         */
        public Builder staleAfter(Duration staleAfter) {
            Checks.nonNegative("staleAfter", staleAfter);
            once("staleAfter");
            this.staleAfter = staleAfter;
            return this;
        }

        public AutoRotator build() {
            return new AutoRotator(this);
        }
    }
}
