package dev.keyvault.rotation;

import static java.util.Objects.requireNonNull;

import dev.keyvault.KeyManager;
import dev.keyvault.KeyQuery;
import dev.keyvault.KeyStatus;
import dev.keyvault.Syntax;
import dev.keyvault.internal.Background;
import dev.keyvault.internal.Checks;
import dev.keyvault.internal.KeyOperations;
import dev.keyvault.internal.Paging;
import dev.keyvault.internal.rotation.Texts;
import dev.keyvault.internal.rotation.Workflows;
import dev.keyvault.spi.StoredKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes rotation windows without a person watching them (opt-in). Each run looks at every active key
 * of the {@linkplain Builder#filter filter} that has an active successor and:
 * <ul>
 *   <li>if the window became safe (successor in use, old key quiet for the
 *       {@linkplain dev.keyvault.KeyManagerBuilder#rotationQuietPeriod quiet period}), fires
 *       {@link dev.keyvault.KeyEventListener#onRotationWindowSafe}, appends {@link dev.keyvault.KeyEventType#ROTATION_SAFE} and
 *       completes the rotation (revokes the old key, appends {@link dev.keyvault.KeyEventType#ROTATION_COMPLETED});</li>
 *   <li>if the old key's deadline (its expiry) has passed, completes the rotation as well: the key
 *       no longer verifies, and revoking it makes that final in its record and on every node;</li>
 *   <li>otherwise leaves the window open and reports it.</li>
 * </ul>
 * It never completes an automated rotation whose secret was not delivered (see {@link AutoRotator}).
 *
 * <p>Run it from the host's scheduler ({@link #run()} is a {@link Runnable} that logs instead of
 * throwing, so a scheduler does not cancel it) or on its own daemon thread with {@link #start(Duration)}.
 * A run reads every active key of the filter: schedule it every few minutes, not every second.
 * Several supervisors on one store are safe (a completion is a conditional revoke), if wasteful.
 * Thread-safe.
 */
public final class RotationSupervisor implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RotationSupervisor.class);

    private final Workflows flows;
    private final String actor;
    private final KeyQuery filter;
    private final Object lock = new Object();
    private ScheduledExecutorService executor;

    private RotationSupervisor(Builder b) {
        this.flows = Workflows.of(b.keys.rotation());
        this.actor = b.actor;
        this.filter = b.filter;
    }

    /** A builder for a supervisor of {@code keys}' rotations; see the setters for the defaults. */
    public static Builder builder(KeyManager keys) {
        return new Builder(requireNonNull(keys, "keys"));
    }

    /**
     * One pass over the open rotation windows. Flushes this node's usage first. A failure on one key
     * is reported and does not stop the others.
     *
     * @throws IllegalStateException if the manager is closed
     * @throws dev.keyvault.KeyStoreException     if the store fails before any window could be checked
     */
    public Report runOnce() {
        KeyOperations ops = flows.operations();
        ops.ensureOpen();
        ops.flush();
        Instant at = ops.now();
        KeyQuery active = new KeyQuery(filter.owner(), Optional.of(KeyStatus.ACTIVE), filter.environment(), filter.tag(),
                Optional.empty(), KeyQuery.MAX_LIMIT, filter.metadata());
        int checked = 0;
        List<CompletionResult> completed = new ArrayList<>();
        List<RotationStatus> open = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (StoredKey s : Paging.all(ops.store(), active)) {
            if (s.key().successorId().isEmpty()) {
                continue;
            }
            try {
                RotationStatus status = flows.statusOf(s.key());
                switch (status.state()) {
                    case SAFE_TO_COMPLETE, DEADLINE_PASSED -> {
                        checked++;
                        CompletionResult r = flows.completeWith(status, actor, Optional.empty(), false);
                        if (r.outcome() == CompletionResult.Outcome.COMPLETED) {
                            completed.add(r);
                        } else if (r.outcome() == CompletionResult.Outcome.REFUSED) {
                            open.add(status);
                        }
                    }
                    case OPEN -> {
                        checked++;
                        open.add(status);
                    }
                    default -> {
                        // ABANDONED (the successor is revoked) is no window; COMPLETED cannot be listed as active.
                    }
                }
            } catch (RuntimeException e) {
                failures.add(s.id() + ": " + Texts.safe(String.valueOf(e.getMessage()), 300, e.getClass().getSimpleName()));
            }
        }
        return new Report(at, checked, completed, open, failures);
    }

    /** {@link #runOnce()} for a scheduler: failures are logged at warn, never thrown. */
    @Override
    public void run() {
        try {
            Report r = runOnce();
            if (!r.failures().isEmpty()) {
                LOG.warn("rotation supervisor: {} window(s) could not be checked: {}", r.failures().size(), r.failures());
            }
        } catch (RuntimeException e) {
            LOG.warn("rotation supervisor run failed: {}", e.toString());
        }
    }

    /**
     * Runs {@link #run()} every {@code period} on a daemon thread of its own, the first time after one
     * period, until {@link #close()}.
     *
     * @throws IllegalStateException if already started
     */
    public RotationSupervisor start(Duration period) {
        Checks.positive("period", period);
        synchronized (lock) {
            if (executor != null) {
                throw new IllegalStateException("this supervisor was already started");
            }
            executor = Background.newScheduler();
            executor.scheduleWithFixedDelay(this, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** Stops the thread {@link #start} created, if any (a run in progress finishes). Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (executor != null) {
                executor.shutdown();
            }
        }
    }

    @Override
    public String toString() {
        return "RotationSupervisor[actor=" + actor + ", filter=" + filter + "]";
    }

    /**
     * What one run did.
     *
     * @param at             when the run started
     * @param windowsChecked rotation windows looked at (open ones, and ones it completed or tried to)
     * @param completed      the rotations it completed (safe windows, passed deadlines)
     * @param stillOpen      the windows left open, with the clients still on the old key
     * @param failures       keys that could not be checked, with the reason
     */
    public record Report(Instant at, int windowsChecked, List<CompletionResult> completed, List<RotationStatus> stillOpen,
            List<String> failures) {
        public Report {
            requireNonNull(at, "at");
            completed = List.copyOf(requireNonNull(completed, "completed"));
            stillOpen = List.copyOf(requireNonNull(stillOpen, "stillOpen"));
            failures = List.copyOf(requireNonNull(failures, "failures"));
        }
    }

    /**
     * Configures a {@link RotationSupervisor}. Every setter checks its argument at once; setting an
     * option twice is an {@link IllegalStateException}. Not thread-safe; the built supervisor is.
     */
    public static final class Builder {
        private final KeyManager keys;
        private String actor = "rotation-supervisor";
        private KeyQuery filter = KeyQuery.all();
        private boolean actorSet;
        private boolean filterSet;

        private Builder(KeyManager keys) {
            this.keys = keys;
        }

        /** Who the history names for the supervisor's steps. Default: {@code rotation-supervisor}. */
        public Builder actor(String actor) {
            Syntax.text("actor", actor, Syntax.MAX_ACTOR);
            if (actorSet) {
                throw new IllegalStateException("actor was already set");
            }
            actorSet = true;
            this.actor = actor;
            return this;
        }

        /**
         * Which rotations it supervises, by the old key's owner, environment and tag; the query's
         * status must be absent or {@code ACTIVE}, paging is ignored. Default: all.
         */
        public Builder filter(KeyQuery filter) {
            requireNonNull(filter, "filter");
            if (filter.status().isPresent() && filter.status().get() != KeyStatus.ACTIVE) {
                throw new IllegalArgumentException("rotation windows are open on active keys only");
            }
            if (filterSet) {
                throw new IllegalStateException("filter was already set");
            }
            filterSet = true;
            this.filter = filter;
            return this;
        }

        public RotationSupervisor build() {
            return new RotationSupervisor(this);
        }
    }
}
