package dev.keyvault.internal;

import static java.util.Objects.requireNonNull;

import dev.keyvault.KeyEventListener;
import dev.keyvault.KeyStoreException;
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
import java.util.concurrent.atomic.LongAdder;

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
 * <p>Memory is bounded twice: at most {@code maxRollups} live rollups (beyond that, new
 * combinations are dropped), and at most {@code maxRollups} rollups pending while the store is
 * failing (beyond that, newly drained ones are dropped). Every dropped request is counted and
 * reported to the listener; none is lost silently.
 */
public final class UsageCoalescer {
    private static final long RETIRED = Long.MIN_VALUE;
    private static final int MAX_BATCH = 5_000;

    private final ConcurrentHashMap<RollupKey, Counter> live = new ConcurrentHashMap<>();
    private final int maxRollups;
    private final KeyEventListener listener;
    private final LongAdder droppedSinceFlush = new LongAdder();
    private final AtomicLong droppedTotal = new AtomicLong();
    private final Object flushLock = new Object();
    /** Drained but not yet written (the store failed); only touched under {@link #flushLock}. */
    private final LinkedHashMap<RollupKey, Pending> pending = new LinkedHashMap<>();

    public UsageCoalescer(int maxRollups, KeyEventListener listener) {
        this.maxRollups = Checks.positive("maxRollups", maxRollups);
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
        if (requireNonNull(keyId, "keyId").length() != TokenFormat.KEY_ID_LENGTH) {
            TokenFormat.checkKeyId(keyId);
        }
        long at = event.at().toEpochMilli();
        RollupKey key = new RollupKey(keyId, Math.floorDiv(at, 60_000L), event);
        for (;;) {
            Counter c = live.get(key);
            if (c == null) {
                TokenFormat.checkKeyId(keyId);
                if (live.size() >= maxRollups) {
                    droppedSinceFlush.increment();
                    return;
                }
                c = live.computeIfAbsent(key, k -> new Counter());
            }
            if (c.add(at)) {
                return;
            }
            live.remove(key, c);
        }
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
            reportDrops();
            long written = 0;
            while (!pending.isEmpty()) {
                List<Map.Entry<RollupKey, Pending>> chunk = new ArrayList<>(Math.min(pending.size(), MAX_BATCH));
                Iterator<Map.Entry<RollupKey, Pending>> it = pending.entrySet().iterator();
                while (it.hasNext() && chunk.size() < MAX_BATCH) {
                    chunk.add(it.next());
                }
                UsageBatch batch = toBatch(chunk);
                store.applyUsage(batch);
                for (Map.Entry<RollupKey, Pending> e : chunk) {
                    pending.remove(e.getKey());
                }
                written += batch.requests();
            }
            return written;
        }
    }

    private void drain() {
        for (Map.Entry<RollupKey, Counter> e : live.entrySet()) {
            Counter c = e.getValue();
            long n = c.drain();
            if (n > 0) {
                Pending p = pending.get(e.getKey());
                if (p != null) {
                    p.add(n, c.first(), c.last());
                } else if (pending.size() < maxRollups) {
                    pending.put(e.getKey(), new Pending(n, c.first(), c.last()));
                } else {
                    droppedSinceFlush.add(n);
                }
            } else if (n == 0 && c.retire()) {
                live.remove(e.getKey(), c);
            }
        }
    }

    private void reportDrops() {
        long dropped = droppedSinceFlush.sumThenReset();
        if (dropped > 0) {
            droppedTotal.addAndGet(dropped);
            SafeListener.call(listener, l -> l.onUsageDropped(dropped,
                    "usage buffer full (" + maxRollups + " rollups); the store may be failing or cardinality is too high"));
        }
    }

    private static UsageBatch toBatch(List<Map.Entry<RollupKey, Pending>> chunk) {
        List<UsageRollup> rollups = new ArrayList<>(chunk.size());
        Map<String, Instant> lastUsed = new HashMap<>();
        for (Map.Entry<RollupKey, Pending> e : chunk) {
            RollupKey k = e.getKey();
            Pending p = e.getValue();
            Instant last = Instant.ofEpochMilli(p.last);
            UsageEvent ev = k.event;
            rollups.add(new UsageRollup(k.keyId, Instant.ofEpochMilli(k.minute * 60_000L), ev.method(), ev.endpoint(), ev.clientIp(),
                    k.userAgent(), k.consumer(), ev.status(), p.count, Instant.ofEpochMilli(p.first), last));
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

    /** Requests dropped since this coalescer was created (reported at each flush). */
    public long droppedRequests() {
        return droppedTotal.get() + droppedSinceFlush.sum();
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

    /**
     * The rollup dimensions: the key id, the minute, and the event's method, endpoint, client IP, user
     * agent, consumer and status. It keeps a reference to the event rather than copying six fields,
     * because one is built for every recorded request; equal events from different requests still
     * compare equal field by field.
     */
    private static final class RollupKey {
        final String keyId;
        /** Minutes since the epoch. */
        final long minute;
        final UsageEvent event;
        private final int hash;

        RollupKey(String keyId, long minute, UsageEvent event) {
            this.keyId = keyId;
            this.minute = minute;
            this.event = event;
            // Only the dimensions that vary most go into the hash (equals compares all of them).
            int h = keyId.hashCode();
            h = 31 * h + (int) minute;
            h = 31 * h + event.endpoint().hashCode();
            h = 31 * h + event.clientIp().hashCode();
            this.hash = h ^ event.status();
        }

        String userAgent() {
            return event.userAgent().orElse("");
        }

        String consumer() {
            return event.consumer().orElse("");
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            if (!(o instanceof RollupKey k)) {
                return false;
            }
            if (hash != k.hash || minute != k.minute || !keyId.equals(k.keyId)) {
                return false;
            }
            UsageEvent a = event;
            UsageEvent b = k.event;
            return a == b || (a.status() == b.status() && a.endpoint().equals(b.endpoint())
                    && a.clientIp().equals(b.clientIp()) && a.method().equals(b.method())
                    && a.userAgent().equals(b.userAgent()) && a.consumer().equals(b.consumer()));
        }
    }
}
