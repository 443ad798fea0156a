package dev.keyvault.internal;

import static java.util.Objects.requireNonNull;

import dev.keyvault.KeyEventListener;
import dev.keyvault.KeyStoreException;
import dev.keyvault.Syntax;
import dev.keyvault.UsageEvent;
import dev.keyvault.UsageRollup;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.spi.UsageBatch;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Folds usage into per-minute rollups in memory, lock-free for recorders, and writes them to the
 * store in batches. {@link #record} never touches the store.
 *
 * <p>Exactness under concurrency: each rollup has a counter that recorders increment and the flusher
 * drains with {@code getAndSet(0)}, so no increment is lost or counted twice. A counter idle for a
 * whole flush is retired by CAS {@code 0 → RETIRED} and removed; a recorder that raced with the
 * retirement sees the negative value and records again into a fresh counter. Timestamps are
 * folded in before the count, so any drained count is covered by the drained first/last seen.
 *
 * <p>Memory is bounded three ways: per key and minute ({@link KeyMinuteLimits}: excess user agents,
 * consumer labels and addresses are folded into "other" labels, still counted); by a number of
 * rollups, live and pending (drained, not yet written) each; and by their estimated bytes, live and
 * pending together. Beyond a bound new rollups are dropped. Every dropped or folded request is counted per key and reported to the
 * listener at the next flush ({@link LostUsage}); a dropped request still moves its key's stored
 * {@code lastUsedAt}, so no key looks quiet because its usage did not fit.
 */
public final class UsageCoalescer {
    private static final long RETIRED = Long.MIN_VALUE;
    private static final int MAX_BATCH = 5_000;
    /** A pending entry and its map node; its key is counted by the live rollup that shares it. */
    private static final int PENDING_BYTES = 96;

    private final ConcurrentHashMap<RollupKey, Counter> live = new ConcurrentHashMap<>();
    private final int maxRollups;
    private final long maxBytes;
    private final KeyMinuteLimits limits;
    private final KeyEventListener listener;
    private final LostUsage lost = new LostUsage();
    /** Estimated bytes of the rollups held, live and pending. */
    private final AtomicLong bytes = new AtomicLong();
    private final Object flushLock = new Object();
    /** Drained but not yet written (the store failed); only touched under {@link #flushLock}. */
    private final LinkedHashMap<RollupKey, Pending> pending = new LinkedHashMap<>();
    /** The newest minute seen by a flush; budgets of minutes well before it are pruned. */
    private long newestMinute = Long.MIN_VALUE;

    /**
     * @param maxRollups               live rollups held at most, and pending ones at most
     * @param maxBytes                 their estimated bytes at most
     * @param maxAgentsPerKeyMinute    distinct user agents one key may have in one minute
     * @param maxConsumersPerKeyMinute distinct consumer labels one key may have in one minute
     * @param maxRollupsPerKeyMinute   rollups one key may have in one minute before its client
     *                                 dimensions are folded
     */
    public UsageCoalescer(int maxRollups, long maxBytes, int maxAgentsPerKeyMinute, int maxConsumersPerKeyMinute,
            int maxRollupsPerKeyMinute, KeyEventListener listener) {
        this.maxRollups = Checks.positive("maxRollups", maxRollups);
        this.maxBytes = maxBytes;
        this.limits = new KeyMinuteLimits(maxAgentsPerKeyMinute, maxConsumersPerKeyMinute, maxRollupsPerKeyMinute);
        this.listener = listener;
    }

    /**
     * Counts one request. The key id's length is checked first (so a huge string is never hashed);
     * its characters only when it starts a new rollup: a live rollup's key id was validated when the
     * rollup was created, and the lookup matches key ids by {@code equals}.
     *
     * @throws IllegalArgumentException if {@code keyId} is not a key id
     */
    public void record(String keyId, UsageEvent event) {
        if (requireNonNull(keyId, "keyId").length() != Syntax.KEY_ID_LENGTH) {
            Syntax.keyId(keyId);
        }
        long at = event.at().toEpochMilli();
        RollupKey key = new RollupKey(keyId, Math.floorDiv(at, 60_000L), event);
        for (;;) {
            Counter c = live.get(key);
            if (c == null) {
                c = admit(key, at);
                if (c == null) {
                    return; // dropped, and counted
                }
            }
            if (c.add(at)) {
                return;
            }
            live.remove(key, c);
        }
    }

    /** The counter a request of {@code key} goes into: an existing or new one, possibly folded; {@code null} if dropped. */
    private Counter admit(RollupKey key, long at) {
        Syntax.keyId(key.keyId);
        KeyMinuteLimits.Budget budget = limits.budget(key);
        RollupKey admitted = budget.admit(key);
        if (admitted != key) {
            lost.folded(key.keyId);
            Counter existing = live.get(admitted);
            if (existing != null) {
                return existing;
            }
        }
        long size = admitted.estimatedBytes();
        if (live.size() >= maxRollups || bytes.get() + size > maxBytes) {
            lost.dropped(key.keyId, at, 1);
            return null;
        }
        return live.computeIfAbsent(admitted, k -> {
            bytes.addAndGet(size);
            budget.created(k);
            return new Counter();
        });
    }

    /**
     * Writes everything recorded so far (and anything left from failed flushes). Serialized: one
     * flush at a time. On a store failure the usage stays pending for the next flush and the
     * exception is rethrown.
     *
     * @return the number of requests written
     */
    public long flush(KeyStore store) {
        synchronized (flushLock) {
            drain();
            report();
            Map<String, Instant> dropped = lost.lastDropped();
            long written = 0;
            while (!pending.isEmpty() || !dropped.isEmpty()) {
                List<Map.Entry<RollupKey, Pending>> chunk = new ArrayList<>(Math.min(pending.size(), MAX_BATCH));
                Iterator<Map.Entry<RollupKey, Pending>> it = pending.entrySet().iterator();
                while (it.hasNext() && chunk.size() < MAX_BATCH) {
                    chunk.add(it.next());
                }
                UsageBatch batch = toBatch(chunk, dropped);
                store.applyUsage(batch);
                lost.written(dropped);
                dropped = Map.of();
                for (Map.Entry<RollupKey, Pending> e : chunk) {
                    pending.remove(e.getKey());
                    bytes.addAndGet(-(PENDING_BYTES + (e.getValue().ownsKey ? e.getKey().estimatedBytes() : 0)));
                }
                written += batch.requests();
            }
            if (newestMinute != Long.MIN_VALUE) {
                limits.prune(newestMinute - 1); // a late request of the previous minute still finds its budget
            }
            return written;
        }
    }

    private void drain() {
        for (Map.Entry<RollupKey, Counter> e : live.entrySet()) {
            RollupKey key = e.getKey();
            Counter c = e.getValue();
            long n = c.drain();
            if (n > 0) {
                newestMinute = Math.max(newestMinute, key.minute);
                Pending p = pending.get(key);
                if (p != null) {
                    p.add(n, c.first(), c.last());
                } else if (pending.size() < maxRollups) {
                    pending.put(key, new Pending(n, c.first(), c.last()));
                    bytes.addAndGet(PENDING_BYTES); // the key itself is shared with the live map
                } else {
                    lost.dropped(key.keyId, c.last(), n);
                }
            } else if (n == 0 && c.retire() && live.remove(key, c)) {
                Pending p = pending.get(key);
                if (p != null && !p.ownsKey) {
                    p.ownsKey = true; // still waiting for a failed store: its bytes stay counted until written
                } else {
                    bytes.addAndGet(-key.estimatedBytes());
                }
            }
        }
    }

    private void report() {
        LostUsage.Report dropped = lost.takeDropped();
        if (dropped != null) {
            SafeListener.call(listener, l -> l.onUsageDropped(dropped.requests(), "usage buffer full (" + maxRollups
                    + " rollups or " + maxBytes + " bytes); the store may be failing or cardinality is too high; keys: "
                    + dropped.keys() + "; their last use is still recorded"));
        }
        LostUsage.Report folded = lost.takeFolded();
        if (folded != null) {
            SafeListener.call(listener, l -> l.onUsageFolded(folded.requests(), "more user agents, consumer labels or"
                    + " addresses in one minute than one key may have; counted under \"other\" labels; keys: " + folded.keys()));
        }
    }

    private static UsageBatch toBatch(List<Map.Entry<RollupKey, Pending>> chunk, Map<String, Instant> dropped) {
        List<UsageRollup> rollups = new ArrayList<>(chunk.size());
        Map<String, Instant> lastUsed = new HashMap<>(dropped);
        for (Map.Entry<RollupKey, Pending> e : chunk) {
            RollupKey k = e.getKey();
            Pending p = e.getValue();
            Instant last = Instant.ofEpochMilli(p.last);
            UsageEvent ev = k.event;
            rollups.add(new UsageRollup(k.keyId, Instant.ofEpochMilli(k.minute * 60_000L), ev.method(), ev.endpoint(), k.clientIp,
                    k.userAgent, k.consumer, ev.status(), p.count, Instant.ofEpochMilli(p.first), last,
                    ev.refusal().map(Enum::name).orElse("")));
            lastUsed.merge(k.keyId, last, (a, b) -> a.isAfter(b) ? a : b);
        }
        return new UsageBatch(rollups, lastUsed);
    }

    /** Requests recorded but not yet written (live and pending). */
    public long unflushedRequests() {
        synchronized (flushLock) {
            long n = 0;
            for (Counter c : live.values()) {
                long v = c.current();
                n += Math.max(0, v);
            }
            for (Pending p : pending.values()) {
                n += p.count;
            }
            return n;
        }
    }

    /** Requests dropped since this coalescer was created. */
    public long droppedRequests() {
        return lost.droppedTotal();
    }

    /** Requests counted under an "other" label since this coalescer was created. */
    public long foldedRequests() {
        return lost.foldedTotal();
    }

    /** The estimated bytes of the rollups held now. */
    public long bufferedBytes() {
        return bytes.get();
    }

    /** Rollups held now, live and pending. */
    public int bufferedRollups() {
        synchronized (flushLock) {
            return live.size() + pending.size();
        }
    }

    /**
     * The latest request of some key this node dropped without knowing which key (its per-key table
     * was full), if any: no key may be called quiet before a quiet period has passed after it.
     */
    public Instant unattributedDropSince() {
        return lost.unattributedSince();
    }

    /** Reports a flush failure to the listener (the manager's background flusher calls this). */
    public void reportFailure(KeyStoreException e) {
        SafeListener.call(listener, l -> l.onStoreFailure("applyUsage", e));
    }

    /**
     * One rollup's live counter: count, earliest and latest time in one object (three plain fields
     * behind VarHandles rather than three AtomicLongs, so a record touches one cache line).
     */
    private static final class Counter {
        private static final VarHandle COUNT;
        private static final VarHandle FIRST;
        private static final VarHandle LAST;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                COUNT = l.findVarHandle(Counter.class, "count", long.class);
                FIRST = l.findVarHandle(Counter.class, "first", long.class);
                LAST = l.findVarHandle(Counter.class, "last", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private volatile long count;
        private volatile long first = Long.MAX_VALUE;
        private volatile long last = Long.MIN_VALUE;

        /** Returns {@code false} if this counter was retired and the caller must use a fresh one. */
        boolean add(long at) {
            // times first, count last: a drained count is always covered by the times read after it
            long f;
            while (at < (f = first) && !FIRST.compareAndSet(this, f, at)) {
                Thread.onSpinWait();
            }
            long l;
            while (at > (l = last) && !LAST.compareAndSet(this, l, at)) {
                Thread.onSpinWait();
            }
            return (long) COUNT.getAndAdd(this, 1L) >= 0;
        }

        long drain() {
            return (long) COUNT.getAndSet(this, 0L);
        }

        boolean retire() {
            return COUNT.compareAndSet(this, 0L, RETIRED);
        }

        long current() {
            return count;
        }

        long first() {
            return first;
        }

        long last() {
            return last;
        }
    }

    private static final class Pending {
        /** Whether the live counter of this key retired, leaving the key's bytes to this entry. */
        boolean ownsKey;
        long count;
        long first;
        long last;

        Pending(long count, long first, long last) {
            this.count = count;
            this.first = first;
            this.last = last;
        }

        void add(long n, long f, long l) {
            count += n;
            first = Math.min(first, f);
            last = Math.max(last, l);
        }
    }
}
