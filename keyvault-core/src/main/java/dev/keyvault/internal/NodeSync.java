package dev.keyvault.internal;

import dev.keyvault.KeyStoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What keeps one node in step with the others and with the store, in the background: the usage
 * flush every interval (which also gives back idle credit leases), the change-feed poll (and the
 * store's push wake-up, where it has one), and hourly maintenance — pruning old feed entries,
 * recomputing stored rotation due dates that another policy computed (also once at start), applying
 * the usage retention. One daemon thread, started with the manager and stopped by {@link #close()};
 * none at all when both intervals are zero (unit tests, which flush and poll by hand). Thread-safe.
 */
public final class NodeSync implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeSync.class);
    private static final long PRUNE_EVERY_MILLIS = TimeUnit.HOURS.toMillis(1);

    private final KeyOperations ops;
    private final ChangeFeedFollower follower;
    private final ScheduledExecutorService scheduler;
    private final AutoCloseable subscription;
    private final AtomicBoolean closed = new AtomicBoolean();

    public NodeSync(KeyOperations ops, Duration flushInterval, Duration pollInterval, Duration retention,
            boolean recomputeDueDates) {
        this.ops = ops;
        // Always follow from the sequence current at build time, so a manual poll() sees every
        // change made since this manager started, even with background polling off.
        this.follower = new ChangeFeedFollower(ops.store(), ops.engine());
        boolean follow = !pollInterval.isZero();
        this.scheduler = follow || !flushInterval.isZero() ? Background.newScheduler() : null;
        if (!flushInterval.isZero()) {
            Background.every(scheduler, flushInterval.toMillis(), "usage flush", ops::backgroundFlush);
        }
        if (follow) {
            // due at the first poll (Long.MIN_VALUE here overflowed "now - last" and the prune never ran)
            long[] lastPrune = {ops.clock().millis() - PRUNE_EVERY_MILLIS};
            Background.every(scheduler, pollInterval.toMillis(), "change feed poll", () -> {
                backgroundPoll();
                long now = ops.clock().millis();
                if (now - lastPrune[0] >= PRUNE_EVERY_MILLIS) {
                    lastPrune[0] = now;
                    ops.store().pruneChanges(Instant.ofEpochMilli(now).minus(retention));
                    maintain(recomputeDueDates);
                }
            });
            this.subscription = ops.store().subscribe(wakeUp());
        } else {
            this.subscription = () -> {};
        }
    }

    /** The hourly maintenance after the prune; each part's failure goes to the listener, not to the next part. */
    private void maintain(boolean recomputeDueDates) {
        if (recomputeDueDates) {
            try {
                var r = ops.recomputeDueDates(false);
                if (r.updated() > 0) {
                    LOG.debug("recomputed {} stored rotation due dates under policy {}", r.updated(), r.policy());
                }
            } catch (KeyStoreException e) {
                SafeListener.call(ops.listener(), l -> l.onStoreFailure("recomputeDueDates", e));
            }
        }
        if (ops.retention().isActive()) {
            try {
                ops.applyRetention();
            } catch (KeyStoreException e) {
                SafeListener.call(ops.listener(), l -> l.onStoreFailure("usageRetention", e));
            }
        }
    }

    /** The store's push notification: one poll queued at a time, whatever the number of notifications. */
    private Runnable wakeUp() {
        AtomicBoolean queued = new AtomicBoolean();
        return () -> {
            if (!closed.get() && queued.compareAndSet(false, true)) {
                try {
                    scheduler.execute(Background.guard("change feed wake-up", () -> {
                        queued.set(false);
                        backgroundPoll();
                    }));
                } catch (RejectedExecutionException e) {
                    queued.set(false);
                }
            }
        };
    }

    /** Reads the change feed now; returns how many changes were read. */
    public int poll() {
        return follower.poll();
    }

    private void backgroundPoll() {
        try {
            follower.poll();
        } catch (KeyStoreException e) {
            SafeListener.call(ops.listener(), l -> l.onStoreFailure("changesSince", e));
        }
    }

    /** The last change-feed sequence this node applied. */
    public long lastSequence() {
        return follower.lastSequence();
    }

    /** Stops the background work (waiting up to 10 s for a run in progress). Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.debug("closing the change-feed subscription failed: {}", e.toString());
        }
        if (scheduler != null) {
            scheduler.shutdown();
            try {
                if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                    scheduler.shutdownNow();
                }
            } catch (InterruptedException e) {
                scheduler.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
