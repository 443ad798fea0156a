package dev.keyvault.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tells a verify whether what it read from the store may have gone stale before it installs it in
 * the cache, per key. A verify {@linkplain #begin registers} before reading; an invalidation of that
 * key bumps the epoch of the reads in flight for it; the install checks the epoch it started with
 * ({@link Read#isCurrent}) and declines if it moved.
 *
 * <p>Why per key: with one counter for all keys, every revoke, rotation or change-feed event anywhere
 * during a cold verify (tens of milliseconds with Argon2id) kept its result out of the cache, so under
 * steady churn a valid key never got hot. Here an invalidation touches only reads of its own key, and
 * costs nothing when none is in flight. Invalidating everything (a change feed that lost entries)
 * moves a global epoch that every read checks too.
 *
 * <p>Why it is linearizable: registration and invalidation are both atomic updates of the same map
 * entry. A read registered before an invalidation sees the bump at install; a read registered after
 * it started its store read after the change was committed (invalidation follows the commit), so
 * what it read is fresh. Memory: one entry per key with a read in flight, removed by the last reader.
 * Thread-safe.
 */
public final class InFlightReads {
    private final ConcurrentHashMap<String, Entry> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong global = new AtomicLong();

    /** Registers a read of {@code keyId}; the caller must {@link Read#close()} it. */
    public Read begin(String keyId) {
        long globalEpoch = global.get();
        long[] epoch = new long[1];
        Entry entry = inFlight.compute(keyId, (k, e) -> {
            Entry x = e == null ? new Entry() : e;
            x.readers++;
            epoch[0] = x.epoch;
            return x;
        });
        return new Read(keyId, entry, epoch[0], globalEpoch);
    }

    /** The key changed: reads of it in flight must not install what they read. */
    public void invalidate(String keyId) {
        inFlight.computeIfPresent(keyId, (k, e) -> {
            e.epoch++;
            return e;
        });
    }

    /** Every key may have changed. */
    public void invalidateAll() {
        global.incrementAndGet();
    }

    /** Keys with a read in flight (for tests). */
    int tracked() {
        return inFlight.size();
    }

    private static final class Entry {
        /** Guarded by the map's lock for this key. */
        int readers;
        /** Written under the map's lock, read by {@link Read#isCurrent} from anywhere. */
        volatile long epoch;
    }

    /** One registered read. Not thread-safe: it belongs to the verify that began it. */
    public final class Read implements AutoCloseable {
        private final String keyId;
        private final Entry entry;
        private final long epoch;
        private final long globalEpoch;
        private boolean closed;

        private Read(String keyId, Entry entry, long epoch, long globalEpoch) {
            this.keyId = keyId;
            this.entry = entry;
            this.epoch = epoch;
            this.globalEpoch = globalEpoch;
        }

        /** Whether no invalidation of this key (or of all keys) happened since {@link #begin}. */
        public boolean isCurrent() {
            return entry.epoch == epoch && global.get() == globalEpoch;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            inFlight.computeIfPresent(keyId, (k, e) -> --e.readers == 0 ? null : e);
        }
    }
}
